import type IORedis from 'ioredis';
import type { Knex } from 'knex';
import type { Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import { registerOutboxMetrics } from './outbox';
import { registerPoolMetrics } from './pool';
import { registerQueueMetrics } from './queue';
import { createRegistry, withinMs } from './registry';
import { registerRequestMetrics, type RequestMetrics } from './requests';

export interface ApiMetrics {
  registry: Registry;
  requests: RequestMetrics;
  /** Loads BullMQ and opens the queue handle of the queue probe now: call it when this process's metrics are served. */
  loadQueueProbe: () => void;
  close: () => Promise<void>;
}

/**
 * The API process's series: requests, event loop, its database pool, and (probed at scrape time) the queue and
 * the outbox. The queue handle reuses the request-path Redis connection (fail fast, 250 ms command timeout).
 */
export function createApiMetrics(db: Knex, redis: IORedis, queuePrefix: string): ApiMetrics {
  const registry = createRegistry('api');
  const requests = registerRequestMetrics(registry);
  registerPoolMetrics(registry, db);
  registerOutboxMetrics(registry, db);
  // BullMQ (about 140 modules, some 25 MB resident) is needed only by the queue counts: a process whose metrics
  // are served loads it at start (src/server.ts calls loadQueueProbe; requiring it inside the first scrape held
  // the loop past the outbox probe's 1 s timeout), one that is not (METRICS_PORT=off) never (issue 13's 150 MB).
  let queue: Queue | undefined;
  const queues = (): Queue[] => {
    if (!queue) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createQueue } = require('../../workers/queue') as typeof import('../../workers/queue');
      queue = createQueue(redis, queuePrefix);
      queue.on('error', () => undefined); // Redis errors are logged once by the connection's owner (bootstrap.ts)
    }
    return [queue];
  };
  registerQueueMetrics(registry, queues);
  return {
    registry,
    requests,
    loadQueueProbe: () => void queues(),
    close: async () => {
      registry.clear();
      // A queue that never reached Redis never finishes closing: do not let shutdown wait on it.
      if (queue) await withinMs(queue.close(), 1000, 'metrics queue close').catch(() => undefined);
    },
  };
}
