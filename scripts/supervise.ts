import { type ChildProcess, spawn } from 'node:child_process';

export interface Supervised {
  name: string;
  /** The running process, replaced on every restart. */
  current: () => ChildProcess | undefined;
  stop: () => Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  script: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Restart after the process dies (workers); otherwise call onFatal (the API: a dead API is a dead system). */
  restart: boolean;
  onFatal?: (name: string, reason: string) => void;
  log?: (line: string) => void;
  /** First restart delay; doubles after each quick death, up to maxBackoffMs, and resets after a healthy run. */
  backoffMs?: number;
  maxBackoffMs?: number;
  healthyAfterMs?: number;
}

/**
 * Runs a TypeScript entry as `node --import tsx` (one process, so its pid is the process to signal: the tsx CLI
 * would put a wrapper in between) and, for processes that may restart, brings it back with exponential backoff.
 * A worker crash (a bug, an OOM, kill -9) must not take the API down: jobs wait in the outbox and in Redis.
 */
export function supervise(opts: SuperviseOptions): Supervised {
  const log = opts.log ?? ((line: string) => console.error(line));
  const base = opts.backoffMs ?? 1000;
  const max = opts.maxBackoffMs ?? 30_000;
  const healthyAfter = opts.healthyAfterMs ?? 60_000;
  let child: ChildProcess | undefined;
  let stopping = false;
  let delay = base;
  let timer: NodeJS.Timeout | undefined;

  const launch = (): void => {
    const startedAt = Date.now();
    const proc = spawn(process.execPath, ['--import', 'tsx', opts.script], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child = proc;
    log(`${opts.name} started (pid ${proc.pid})`);
    proc.on('exit', (code, signal) => {
      if (stopping) return;
      const reason = String(signal ?? code);
      if (!opts.restart) {
        opts.onFatal?.(opts.name, reason);
        return;
      }
      if (Date.now() - startedAt >= healthyAfter) delay = base;
      log(`${opts.name} exited (${reason}); restarting in ${delay} ms`);
      timer = setTimeout(launch, delay);
      delay = Math.min(delay * 2, max);
    });
  };
  launch();

  return {
    name: opts.name,
    current: () => child,
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      const force = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(force);
    },
  };
}
