import IORedis from 'ioredis';

/** The longest a request-path Redis command may take before the caller falls back (rate limits, readiness). */
export const REQUEST_REDIS_TIMEOUT_MS = 250;

/**
 * A Redis connection, for both processes (the API's request paths and metrics, the worker's queue and workers).
 * Workers need maxRetriesPerRequest: null (blocking commands). `failFast` is for callers that must notice Redis
 * being down at once (the relay, and every request path): no offline queue, so a command on a broken connection
 * is rejected immediately, and no retries. `commandTimeoutMs` also bounds a Redis that accepts the connection but
 * does not answer (a stalled or overloaded server).
 */
export function createRedis(url: string, opts: { forWorker?: boolean; failFast?: boolean; commandTimeoutMs?: number } = {}): IORedis {
  return new IORedis(url, {
    maxRetriesPerRequest: opts.forWorker ? null : opts.failFast ? 0 : 1,
    enableOfflineQueue: !opts.failFast,
    commandTimeout: opts.commandTimeoutMs,
    lazyConnect: false,
  });
}
