import type { Job } from 'bullmq';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import type { JobName, JobPayloads } from '../src/jobs/names';
import type { Logger } from '../src/logger';
import type { Stripe } from '../src/payments/stripe';
import type { FileStorage } from '../src/storage/files';

export interface WorkerDeps {
  config: Readonly<Config>;
  db: Knex;
  log: Logger;
  storage: FileStorage;
  stripe: Stripe;
}

/** A job processor: idempotent (a rerun changes nothing) and returns a sentence saying what it did. */
export type Processor<N extends JobName> = (job: Job<JobPayloads[N], string, N>, deps: WorkerDeps) => Promise<string>;

export type ProcessorMap = { [N in JobName]?: Processor<N> };
