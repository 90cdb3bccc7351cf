import type { Job, RepeatOptions } from 'bullmq';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import type { JobName, JobPayloads } from '../src/jobs/payloads';
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

/** Everything the worker side knows of one job; its payload type is JobPayloads[N] (src/jobs/payloads.ts). */
export interface JobDefinition<N extends JobName> {
  processor: Processor<N>;
  /**
   * Jobs that rebuild from the source tables: rows with the same key collapse into one run (see relay.ts). A
   * payload without a string key is not collapsed.
   */
  collapseKey?: (payload: JobPayloads[N]) => string;
  /**
   * Jobs that run on a schedule: the scheduler's id and when to run. Every worker process (re)declares it at
   * start (upserting is idempotent); `undefined` removes the schedule.
   */
  schedule?: { id: string; repeat: (config: Readonly<Config>) => Omit<RepeatOptions, 'key'> | undefined };
}

/** Total over JobName: a job without a processor fails `tsc`, as an operation without a handler does. */
export type JobTable = { [N in JobName]: JobDefinition<N> };

/** A row of the table seen by code that holds only a job's name as a string (the relay, the dispatcher). */
export interface AnyJobDefinition {
  processor: (job: Job, deps: WorkerDeps) => Promise<string>;
  collapseKey?: (payload: Record<string, unknown>) => unknown;
  schedule?: JobDefinition<JobName>['schedule'];
}
