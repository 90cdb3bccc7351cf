import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per process role (API, workers), never prom-client's global one: tests run several apps in one
 * process, and each must count only its own traffic. Default metrics give event-loop lag (nodejs_eventloop_lag_*),
 * heap, GC and CPU.
 */
export function createRegistry(role: 'api' | 'worker'): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  return registry;
}

/**
 * Bounds a probe made at scrape time (Redis, PostgreSQL): an outage must cost a scrape at most `ms`, never hang
 * it, so Prometheus still gets the process's own series and an `up` of 0 for the probe that failed.
 */
export async function withinMs<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined); // a late rejection after the timeout must not become an unhandled one
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long one scrape-time probe may take (Prometheus' default scrape timeout is 10 s; keep well under). */
export const SCRAPE_PROBE_TIMEOUT_MS = 1000;
