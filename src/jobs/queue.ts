import { Queue, QueueOptions } from 'bullmq';
import IORedis from 'ioredis';
import { QUEUE_NAME } from './names';

/** A Redis connection for BullMQ. Workers need maxRetriesPerRequest: null (blocking commands). */
export function createRedis(url: string, opts: { forWorker?: boolean; failFast?: boolean } = {}): IORedis {
  return new IORedis(url, {
    maxRetriesPerRequest: opts.forWorker ? null : 1,
    // The relay must notice Redis being down at once instead of queueing commands in memory.
    enableOfflineQueue: !opts.failFast,
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
