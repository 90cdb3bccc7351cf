import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const BUNDLE = path.join(ROOT, 'src/generated/openapi.json');
export const bin = (name: string): string => path.join(ROOT, 'node_modules/.bin', name);

/** A port nothing listens on right now (the OS picks it), for a child process to take. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Child {
  process: ChildProcess;
  /** Everything it wrote, for failure messages. */
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number>;
  /** Ends its whole process group (it may have children of its own) and waits for it. */
  stop: () => Promise<void>;
}

/** Starts a child in a process group of its own, so that stop() ends it and everything it started. */
export function startChild(command: string, args: string[], opts: SpawnOptions = {}): Child {
  const child = spawn(command, args, { cwd: ROOT, ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return; // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  return { process: child, output: () => output, exited, stop };
}

/** Polls `url` until it answers any HTTP status; fails when the child exits first or after `timeoutMs`. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`The process exited before answering ${url}:\n${child.output().slice(-3000)}`);
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`Nothing answered ${url} within ${timeoutMs} ms:\n${child.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
