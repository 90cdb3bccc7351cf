import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { BackendCpu, cpuMs } from './proc';

/** One measured server: the process to read CPU from, and the application_name its PostgreSQL backends carry. */
export interface Target {
  name: 'learnflow' | 'baseline';
  base: string;
  pid: number;
  applicationName: string;
}

export interface Load {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
}

export interface Round {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  serverCpuMs: number;
  pgCpuMs: number;
  non2xx: number;
  errors: number;
}

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerReq: number;
  pgMsPerReq: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export const CONNECTIONS = 10;

function run(url: string, load: Load, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, method: load.method, headers: load.headers, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
}

export async function warmUp(target: Target, load: Load, seconds: number): Promise<void> {
  await run(target.base + load.path, load, seconds);
}

/** One round: the load for `seconds`, with the server's and its PostgreSQL backends' CPU over the same window. */
export async function round(probe: Knex, target: Target, load: Load, seconds: number): Promise<Round> {
  const backends = new BackendCpu(probe, target.applicationName);
  await backends.begin();
  const cpuBefore = cpuMs(target.pid) ?? 0;
  const started = performance.now();
  const r = await run(target.base + load.path, load, seconds);
  const elapsed = (performance.now() - started) / 1000;
  const serverCpuMs = (cpuMs(target.pid) ?? 0) - cpuBefore;
  const pgCpuMs = await backends.end();
  return {
    requests: r.requests.total,
    seconds: elapsed,
    p50: r.latency.p50,
    p99: r.latency.p99,
    serverCpuMs,
    pgCpuMs,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Totals over the rounds: req/s and CPU per request from the sums, latencies as the median of the rounds'. */
export function summarize(rounds: Round[]): Summary {
  const requests = rounds.reduce((a, r) => a + r.requests, 0);
  const seconds = rounds.reduce((a, r) => a + r.seconds, 0);
  const per = (ms: number): number => (requests === 0 ? 0 : ms / requests);
  return {
    rps: seconds === 0 ? 0 : requests / seconds,
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    cpuMsPerReq: per(rounds.reduce((a, r) => a + r.serverCpuMs, 0)),
    pgMsPerReq: per(rounds.reduce((a, r) => a + r.pgCpuMs, 0)),
    requests,
    non2xx: rounds.reduce((a, r) => a + r.non2xx, 0),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
  };
}
