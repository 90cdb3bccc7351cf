import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import type { Knex } from 'knex';

/**
 * CPU and memory of processes from /proc, so a figure stays meaningful when other work shares the machine:
 * CPU milliseconds a process spent (user + system), not wall time.
 */
const CLOCK_TICKS_PER_SECOND = 100; // Linux's USER_HZ on every mainstream architecture (getconf CLK_TCK)

/** utime + stime of a process, in milliseconds; undefined once it has exited. */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** VmRSS and VmHWM (peak RSS) in MB. */
export function memoryMb(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 102.4) / 10, hwm: Math.round(kb('VmHWM') / 102.4) / 10 };
}

/**
 * The CPU the PostgreSQL backends serving one application spent during a window. Backends are found through
 * pg_stat_activity by application_name (each measured server sets its own) and sampled every few hundred
 * milliseconds, so one a pool closes mid-window still counts up to its last sample (a pool of min 0 closes idle
 * connections). A backend born during the window counts from zero: its start-up is part of the cost.
 */
export class BackendCpu {
  private readonly start = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly probe: Knex,
    private readonly applicationName: string,
  ) {}

  private async sample(initial: boolean): Promise<void> {
    const { rows } = (await this.probe.raw('SELECT pid FROM pg_stat_activity WHERE application_name = ?', [this.applicationName])) as {
      rows: Array<{ pid: number }>;
    };
    for (const { pid } of rows) {
      const ms = cpuMs(pid);
      if (ms === undefined) continue;
      if (!this.start.has(pid)) this.start.set(pid, initial ? ms : 0);
      this.last.set(pid, ms);
    }
  }

  async begin(): Promise<void> {
    await this.sample(true);
    this.timer = setInterval(() => void this.sample(false).catch(() => undefined), 300);
  }

  /** CPU milliseconds spent by the application's backends since begin(). */
  async end(): Promise<number> {
    clearInterval(this.timer);
    await this.sample(false);
    let total = 0;
    for (const [pid, last] of this.last) total += last - (this.start.get(pid) ?? 0);
    return total;
  }
}

/** Resolves once something accepts connections on 127.0.0.1:port; fails early when the child exits first. */
export async function waitForPort(port: number, child?: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before listening on ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`nothing listened on ${port}`);
}
