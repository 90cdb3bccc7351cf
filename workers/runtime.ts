import { Job, Worker } from 'bullmq';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import { QUEUE_NAME } from '../src/jobs/names';
import { createQueue, createRedis } from '../src/jobs/queue';
import { OutboxRelay } from '../src/jobs/relay';
import { createStripeClient } from '../src/payments/stripe';
import { reportJobError } from '../src/errorTracking/sentry';
import type { Logger } from '../src/logger';
import type { JobMetrics } from '../src/metrics/jobs';
import { FileStorage } from '../src/storage/files';
import type { ProcessorMap, WorkerDeps } from './processor';
import { processors } from './processors';
import { CLOSE_BROKEN_STREAKS_SCHEDULE } from './processors/close-broken-streaks';
import { scheduleReconciliation } from './processors/orders-reconcile';

export interface WorkerRuntime {
  relay: OutboxRelay;
  worker: Worker;
  stop: () => Promise<void>;
}

/**
 * Starts the outbox relay and the BullMQ worker that dispatches jobs to their processors by name.
 * Used by workers/main.ts and, in-process, by the tests.
 */
export function startWorkers(
  config: Readonly<Config>,
  db: Knex,
  log: Logger,
  opts: { relayIntervalMs?: number; lockDurationMs?: number; jobMetrics?: JobMetrics } = {},
): WorkerRuntime {
  const deps: WorkerDeps = { config, db, log, storage: new FileStorage(config.storageDir), stripe: createStripeClient(config.stripe) };
  const queueConnection = createRedis(config.redisUrl, { failFast: true });
  const workerConnection = createRedis(config.redisUrl, { forWorker: true });
  for (const c of [queueConnection, workerConnection]) c.on('error', (err) => log.warn({ err: err.message }, 'worker redis error'));
  const queue = createQueue(queueConnection, config.redisPrefix);
  const relay = new OutboxRelay(db, queue, log);

  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job) => {
      const processor = processors[job.name as keyof ProcessorMap] as
        | ((job: Job, deps: WorkerDeps) => Promise<string>)
        | undefined;
      if (!processor) throw new Error(`No processor for job "${job.name}"`);
      const outcome = opts.jobMetrics ? await opts.jobMetrics.time(job.name, () => processor(job, deps)) : await processor(job, deps);
      log.info({ job: job.name, id: job.id, outcome }, 'job done');
      return outcome;
    },
    {
      connection: workerConnection,
      prefix: config.redisPrefix,
      concurrency: 4,
      // A worker killed mid-job (kill -9, OOM) leaves its jobs active until their lock expires; then another
      // (or the restarted) worker takes them again. BullMQ's default is 30 s for both.
      ...(opts.lockDurationMs ? { lockDuration: opts.lockDurationMs, stalledInterval: opts.lockDurationMs } : {}),
    },
  );
  worker.on('failed', (job, err) => {
    log.warn({ job: job?.name, id: job?.id, err: err.message }, 'job failed');
    // Reported once, when BullMQ gives up: an attempt that a retry repairs is not an incident.
    if (!job || job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError') {
      reportJobError(err, { name: job?.name ?? 'unknown', id: job?.id, attemptsMade: job?.attemptsMade ?? 0 });
    }
  });
  relay.start(opts.relayIntervalMs ?? 250);
  // Upserting is idempotent, so every worker process may (re)declare the schedule at start.
  const scheduled = queue
    .upsertJobScheduler(CLOSE_BROKEN_STREAKS_SCHEDULE.id, { pattern: CLOSE_BROKEN_STREAKS_SCHEDULE.pattern, tz: 'UTC' }, { name: 'close-broken-streaks', data: {} })
    .catch((err: Error) => log.warn({ err: err.message }, 'could not schedule close-broken-streaks'));
  const reconciling = scheduleReconciliation(queue, config.reconcile.intervalMs).catch((err: Error) =>
    log.warn({ err: err.message }, 'could not schedule orders.reconcile'),
  );

  return {
    relay,
    worker,
    stop: async () => {
      await relay.stop();
      await scheduled;
      await reconciling;
      await worker.close();
      await queue.close();
      await Promise.allSettled([queueConnection.quit(), workerConnection.quit()]);
    },
  };
}
