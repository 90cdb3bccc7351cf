import type { Knex } from 'knex';
import { isRetryable } from './pgErrors';
import type { Db } from './knex';

function isTransaction(db: Db): db is Knex.Transaction {
  return typeof (db as Knex.Transaction).commit === 'function' && (db as Knex.Transaction).isTransaction === true;
}

/**
 * Runs `work` in a transaction. Reuses an open one (so services compose), and retries the whole unit
 * on serialization failures and deadlocks, which are the database telling us to try again.
 */
export async function withTransaction<T>(
  db: Db,
  work: (trx: Knex.Transaction) => Promise<T>,
  opts: { isolationLevel?: 'read committed' | 'repeatable read' | 'serializable'; retries?: number } = {},
): Promise<T> {
  if (isTransaction(db)) return work(db);
  const retries = opts.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(work, opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : undefined);
    } catch (err) {
      if (attempt >= retries || !isRetryable(err)) throw err;
      // Jittered backoff so two retrying transactions do not collide again in lockstep.
      await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
    }
  }
}
