import type { Db } from '../db/knex';
import { insertOutboxRow } from '../repositories/outbox';
import type { JobName, JobPayloads } from './payloads';

/**
 * Writes a job as an outbox row inside the caller's transaction, so the job exists if and only if the change
 * that causes it commits. The relay (workers/relay.ts) hands it to BullMQ later; Redis being down never fails
 * the change.
 */
export function enqueueJob<N extends JobName>(trx: Db, name: N, payload: JobPayloads[N]): Promise<string> {
  return insertOutboxRow(trx, name, payload);
}
