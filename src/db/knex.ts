import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// bigint (count(*), sums) and numeric come back as strings by default; every bigint this API returns
// fits in a JS number (counts and cents), so parse them once here instead of at each call site.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** What a repository runs on: the pool, or the transaction a service opened (src/db/transaction.ts). */
export type Db = Knex | Knex.Transaction;

/**
 * How long opening a connection to a database that does not answer may take before the request is answered
 * 503: knex's default is 60 s, which turns a database restart into hung requests.
 */
export const DB_CONNECT_TIMEOUT_MS = 2000;
/**
 * How long a request may queue for a connection of a full pool. Longer than the connect timeout: a healthy
 * database under a burst (100 concurrent writes on a pool of 10) must not answer 503, and a database that is down
 * still fails fast, because a failed connection attempt rejects the waiting requests at once (knex's pool
 * propagates create errors).
 */
export const DB_ACQUIRE_TIMEOUT_MS = 10_000;

export function createDb(databaseUrl: string, pool: { min: number; max: number } = { min: 0, max: 10 }): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: databaseUrl, connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS },
    pool,
    acquireConnectionTimeout: DB_ACQUIRE_TIMEOUT_MS,
  });
}

/** The readiness probe: a round trip to the database. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.raw('select 1');
}
