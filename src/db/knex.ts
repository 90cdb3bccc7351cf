import knexFactory, { Knex } from 'knex';
import pg from 'pg';

// bigint (count(*), sums) and numeric come back as strings by default; every bigint this API returns
// fits in a JS number (counts and cents), so parse them once here instead of at each call site.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export type Db = Knex;
export type Trx = Knex.Transaction;

export function createDb(databaseUrl: string, pool: { min: number; max: number } = { min: 0, max: 10 }): Knex {
  return knexFactory({ client: 'pg', connection: databaseUrl, pool });
}
