import { Queue, QueueOptions } from 'bullmq';
import IORedis from 'ioredis';
import { QUEUE_NAME } from './names';

/** The longest a request-path Redis command may take before the caller falls back (rate limits, readiness). */
export const REQUEST_REDIS_TIMEOUT_MS = 250;

/**
 * A Redis connection. Workers need maxRetriesPerRequest: null (blocking commands). `failFast` is for callers that
 * must notice Redis being down at once (the relay, and every request path): no offline queue, so a command on a
 * broken connection is rejected immediately, and no retries. `commandTimeoutMs` also bounds a Redis that
 * accepts the connection but does not answer (a stalled or overloaded server).
 */
export function createRedis(url: string, opts: { forWorker?: boolean; failFast?: boolean; commandTimeoutMs?: number } = {}): IORedis {
  return new IORedis(url, {
    maxRetriesPerRequest: opts.forWorker ? null : opts.failFast ? 0 : 1,
    enableOfflineQueue: !opts.failFast,
    commandTimeout: opts.commandTimeoutMs,
    lazyConnect: false,
  });
}

export function createQueue(connection: IORedis, prefix: string): Queue {
  const opts: QueueOptions = {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  };
  return new Queue(QUEUE_NAME, opts);
}
