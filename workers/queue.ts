import { Queue, type QueueOptions } from 'bullmq';
import type IORedis from 'ioredis';

/** The one BullMQ queue every job goes through; processors are picked by job name (workers/jobs.ts). */
export const QUEUE_NAME = 'learnflow-jobs';

/**
 * The queue handle, for the relay (adds), the schedules and the API's metrics (counts). `prefix` is the
 * configured, hash-tagged QUEUE_PREFIX (config.queuePrefix): every Queue and Worker must use the same one, or
 * they would not see each other's jobs.
 */
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
