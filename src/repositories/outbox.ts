import type { Knex } from 'knex';
import type { Db } from '../db/knex';

/** A committed job not yet handed to the queue. */
export interface OutboxRow {
  id: string;
  job_name: string;
  payload: unknown;
}

export async function insertOutboxRow(db: Db, jobName: string, payload: unknown): Promise<string> {
  const [row] = await db('outbox')
    .insert({ job_name: jobName, payload: JSON.stringify(payload) })
    .returning('id');
  return (row as { id: string }).id;
}

/**
 * The oldest unsent rows, locked for the caller's transaction. SKIP LOCKED lets several relays (worker
 * replicas) share the outbox without handing a row over twice.
 */
export function lockUnsentOutboxRows(trx: Knex.Transaction, limit: number): Promise<OutboxRow[]> {
  return trx('outbox').select('id', 'job_name', 'payload').whereNull('sent_at').orderBy('created_at').limit(limit).forUpdate().skipLocked();
}

export async function markOutboxRowsSent(trx: Knex.Transaction, ids: string[]): Promise<void> {
  await trx('outbox').whereIn('id', ids).update({ sent_at: trx.fn.now() });
}

/** Counts a failed hand-over on each row and keeps its reason, for the operator; the rows stay unsent. */
export async function recordOutboxHandoffFailure(trx: Knex.Transaction, ids: string[], error: string): Promise<void> {
  await trx('outbox')
    .whereIn('id', ids)
    .update({ attempts: trx.raw('attempts + 1'), last_error: error.slice(0, 500) });
}

/** Unsent rows and the age of the oldest, in seconds: one indexed query (outbox_unsent_index). */
export async function outboxBacklog(db: Db): Promise<{ backlog: number; oldestSeconds: number }> {
  const { rows } = await db.raw<{ rows: Array<{ backlog: number; oldest: number }> }>(
    `SELECT count(*)::int AS backlog, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest
       FROM outbox WHERE sent_at IS NULL`,
  );
  return { backlog: Number(rows[0]?.backlog ?? 0), oldestSeconds: Number(rows[0]?.oldest ?? 0) };
}
