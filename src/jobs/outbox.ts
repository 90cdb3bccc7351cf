import { Knex } from 'knex';
import { JobName, JobPayloads } from './names';

/**
 * Writes a job as an outbox row inside the caller's transaction, so the job exists if and only if the change
 * that causes it commits. The relay hands it to BullMQ later; Redis being down never fails the change.
 */
export async function enqueueJob<N extends JobName>(trx: Knex | Knex.Transaction, name: N, payload: JobPayloads[N]): Promise<string> {
  const [row] = await trx('outbox').insert({ job_name: name, payload: JSON.stringify(payload) }).returning('id');
  return (row as { id: string }).id;
}
