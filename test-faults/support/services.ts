import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * PRIVATE PostgreSQL and Redis for the fault scenarios: each scenario stops, kills and restarts them, so they
 * must never be the shared ones. Data lives under /tmp/lf-faults-*, ports come from FAULTS_PG_PORT and
 * FAULTS_REDIS_PORT (defaults 55432 and 56379).
 */
export const PG_PORT = Number(process.env.FAULTS_PG_PORT ?? 55432);
export const REDIS_PORT = Number(process.env.FAULTS_REDIS_PORT ?? 56379);
export const DB_NAME = process.env.FAULTS_DB_NAME ?? 'lf_dev_faults';

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const candidate = path.join(root, v, 'bin', name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return name;
}

/** initdb and postgres refuse to run as root: run them as the postgres user then. */
function asPostgres(bin: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class PrivatePostgres {
  readonly dir = `/tmp/lf-faults-pg-${process.pid}`;
  readonly url = `postgres://postgres@127.0.0.1:${PG_PORT}`;

  async init(): Promise<void> {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres', this.dir]);
    const [cmd, args] = asPostgres(pgBin('initdb'), [
      '-D',
      `${this.dir}/data`,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    execFileSync(cmd, args, { stdio: 'ignore' });
    await this.start();
  }

  async start(): Promise<void> {
    const opts = `-p ${PG_PORT} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
    const [cmd, args] = asPostgres(pgBin('pg_ctl'), ['-D', `${this.dir}/data`, '-o', opts, '-l', `${this.dir}/log`, '-w', 'start']);
    execFileSync(cmd, args, { stdio: 'ignore' });
  }

  /** `immediate` is a crash as far as clients see (connections cut, no goodbye). */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    const [cmd, args] = asPostgres(pgBin('pg_ctl'), ['-D', `${this.dir}/data`, '-m', mode, '-w', 'stop']);
    try {
      execFileSync(cmd, args, { stdio: 'ignore' });
    } catch {
      // already stopped
    }
  }

  databaseUrl(name = DB_NAME): string {
    return `${this.url}/${name}`;
  }

  destroy(): void {
    this.stop('immediate');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export class PrivateRedis {
  readonly url = `redis://127.0.0.1:${REDIS_PORT}`;
  private proc: ChildProcess | undefined;

  async start(): Promise<void> {
    const proc = spawn(
      'redis-server',
      ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'],
      { stdio: 'ignore' },
    );
    this.proc = proc;
    await waitForPort(REDIS_PORT);
    // Another server on the port (a leftover) would answer instead of ours and survive our kill: refuse.
    await new Promise((r) => setTimeout(r, 100));
    if (proc.exitCode !== null) throw new Error(`redis-server could not start on ${REDIS_PORT}: is the port taken?`);
  }

  /** SIGKILL: Redis vanishes with its data (no persistence), as in a crash. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
  }
}
