import { type Job, Worker } from 'bullmq';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import { reportJobError } from '../src/errorTracking/sentry';
import type { Logger } from '../src/logger';
import type { JobMetrics } from '../src/metrics/jobs';
import { createStripeClient } from '../src/payments/stripe';
import { shutdownTimings } from '../src/processModel';
import { createRedis } from '../src/redis';
import { FileStorage } from '../src/storage/files';
import { jobDefinition, JOBS } from './jobs';
import type { WorkerDeps } from './processor';
import { createQueue, QUEUE_NAME } from './queue';
import { OutboxRelay } from './relay';

/**
 * Jobs one worker process runs at once (bench/workers.ts measures with the same). The jobs mostly wait on
 * PostgreSQL, Redis, Stripe or the disk, so more of them in flight keep the process busy: 8 instead of 4 raised
 * recompute-course-stats from 4,480 to 4,970 jobs/s (0.47 to 0.52 x the no-op processor, whose rate barely moved).
 * 16 once those jobs shared their database calls (src/services/courseStats.ts): the more of them in flight, the
 * more each call serves; in the bench 0.47 and 0.49 x the no-op at 8, 0.61 and 0.62 x at 16 (32 gave 0.80 x, but
 * would also let 32 PDF renders run at once). The pool's 5 connections still bound what reaches the database
 * (a job waits for one up to DB_ACQUIRE_TIMEOUT_MS, 10 s); a receipt or certificate render holds a few MB.
 */
export const WORKER_CONCURRENCY = 16;

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
  opts: { relayIntervalMs?: number; lockDurationMs?: number; jobMetrics?: JobMetrics; stopTimeoutMs?: number } = {},
): WorkerRuntime {
  const deps: WorkerDeps = { config, db, log, storage: new FileStorage(config.storageDir), stripe: createStripeClient(config.stripe) };
  const queueConnection = createRedis(config.redisUrl, { failFast: true });
  const workerConnection = createRedis(config.redisUrl, { forWorker: true });
  for (const c of [queueConnection, workerConnection]) c.on('error', (err) => log.warn({ err: err.message }, 'worker redis error'));
  const queue = createQueue(queueConnection, config.queuePrefix);
  const relay = new OutboxRelay(db, queue, log);

  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job) => {
      const processor = jobDefinition(job.name)?.processor;
      if (!processor) throw new Error(`No processor for job "${job.name}"`);
      const outcome = opts.jobMetrics ? await opts.jobMetrics.time(job.name, () => processor(job, deps)) : await processor(job, deps);
      log.info({ job: job.name, id: job.id, outcome }, 'job done');
      return outcome;
    },
    {
      connection: workerConnection,
      prefix: config.queuePrefix,
      concurrency: WORKER_CONCURRENCY,
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
  // Upserting is idempotent, so every worker process may (re)declare the schedules at start.
  const scheduled = Promise.all(
    Object.entries(JOBS).map(async ([name, { schedule }]) => {
      if (!schedule) return;
      const repeat = schedule.repeat(config);
      try {
        if (repeat) await queue.upsertJobScheduler(schedule.id, repeat, { name, data: {} });
        else await queue.removeJobScheduler(schedule.id);
      } catch (err) {
        log.warn({ err: (err as Error).message }, `could not schedule ${name}`);
      }
    }),
  );

  const closeGracefully = async (): Promise<void> => {
    await scheduled;
    await worker.close();
    await queue.close();
    await Promise.allSettled([queueConnection.quit(), workerConnection.quit()]);
  };
  const stopTimeoutMs = opts.stopTimeoutMs ?? shutdownTimings().timeoutMs;

  return {
    relay,
    worker,
    stop: async () => {
      await relay.stop();
      // With Redis unreachable, BullMQ's Worker.close() never resolves (its blocking connection waits for an `end`
      // event a reconnecting client does not emit: taskforcesh/bullmq#4656), and the process would ignore SIGTERM
      // until the orchestrator kills it. Jobs in flight get the same time as the API's requests to finish; then
      // the connections are cut, and a job that did not finish is taken again once its lock expires (processors
      // are idempotent).
      let timer: NodeJS.Timeout | undefined;
      const cut = new Promise<'cut'>((resolve) => {
        timer = setTimeout(() => resolve('cut'), stopTimeoutMs);
      });
      const closing = closeGracefully().then(
        () => 'closed' as const,
        (err: Error) => {
          log.warn({ err: err.message }, 'workers: closing failed');
          return 'closed' as const;
        },
      );
      const outcome = await Promise.race([closing, cut]);
      clearTimeout(timer);
      if (outcome === 'cut') {
        log.warn(
          { timeoutMs: stopTimeoutMs, redis: workerConnection.status },
          'workers did not close in time (is Redis reachable?): Redis connections cut; unfinished jobs run again after their lock expires',
        );
        queueConnection.disconnect();
        workerConnection.disconnect();
      }
    },
  };
}
