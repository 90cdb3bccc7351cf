import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { API_NODE_FLAGS, API_PROCESS_ENV } from '../../src/processModel';
import { freePort } from './processes';

export { freePort };

const ROOT = path.resolve(__dirname, '../..');
export const COMPILED_SERVER = path.join(ROOT, 'dist', 'src', 'server.js');

/** Set (to anything) by `npm run test:compiled`: the harness runs each file's API as the compiled start:api. */
export const compiledApiRequested = (): boolean => Boolean(process.env.TEST_COMPILED_API);

export interface CompiledApi {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed (its pino lines), for assertions and for failures. */
  output: () => string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop: () => Promise<number | null>;
}

/**
 * Runs `dist/src/server.js` the way `npm run start:api` does (plain node, NODE_ENV=production, no tsx) with
 * `env` on top, and waits until its readiness probe answers. `npm run build` must have made dist/ first.
 */
export async function startCompiledApi(
  env: Record<string, string | undefined>,
  opts: { port?: number; readyTimeoutMs?: number } = {},
): Promise<CompiledApi> {
  if (!fs.existsSync(COMPILED_SERVER)) throw new Error(`${COMPILED_SERVER} is missing: run npm run build first`);
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, [...API_NODE_FLAGS, COMPILED_SERVER], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...API_PROCESS_ENV,
      METRICS_PORT: 'off',
      SHUTDOWN_DRAIN_MS: '0',
      ...env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  // What the last probe got, for the failure message: a refused connection, a timeout or a status and body.
  let last = 'no answer yet';
  for (;;) {
    if (child.exitCode !== null) throw new Error(`compiled API exited with ${child.exitCode}:\n${output}`);
    // Each probe is bounded: a connection that is accepted and never answered must not outlast the deadline.
    const ready = await fetch(`${baseUrl}/api/v1/health/ready/`, { signal: AbortSignal.timeout(2000) }).then(
      async (r) => {
        last = `${r.status} ${await r.text()}`;
        return r.status === 200;
      },
      (err: Error & { cause?: { code?: string } }) => {
        last = `${err.name}: ${err.cause?.code ?? err.message}`;
        return false;
      },
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`compiled API not ready on ${baseUrl} (last probe: ${last}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    port,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
