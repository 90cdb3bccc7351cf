import knexFactory, { Knex } from 'knex';
import pg from 'pg';

// bigint (count(*), sums) and numeric come back as strings by default; every bigint this API returns
// fits in a JS number (counts and cents), so parse them once here instead of at each call site.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export type Db = Knex;
export type Trx = Knex.Transaction;

/**
 * How long a request may wait for a connection (a full pool, or a database that does not answer) before it is
 * answered 503: knex's default is 60 s, which turns a database restart into hung requests.
 */
export const DB_CONNECT_TIMEOUT_MS = 2000;

export function createDb(databaseUrl: string, pool: { min: number; max: number } = { min: 0, max: 10 }): Knex {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: databaseUrl, connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS },
    pool,
    acquireConnectionTimeout: DB_CONNECT_TIMEOUT_MS + 1000,
  });
}
