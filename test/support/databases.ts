import crypto from 'node:crypto';
import knexFactory from 'knex';
import { ensureDatabase, migrateLatest } from '../../src/db/migrate';

/** The server every test database lives on; DATABASE_URL's database part is replaced per test file. */
export const PG_SERVER_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const TEMPLATE_DB = process.env.TEST_TEMPLATE_DB ?? 'lf_test_template';

export function databaseUrl(name: string): string {
  return `${PG_SERVER_URL}/${name}`;
}

async function withAdmin<T>(work: (admin: knexFactory.Knex) => Promise<T>): Promise<T> {
  const admin = knexFactory({ client: 'pg', connection: databaseUrl('postgres'), pool: { min: 0, max: 1 } });
  try {
    return await work(admin);
  } finally {
    await admin.destroy();
  }
}

/** Builds the migrated template once per test run (test/run.ts); each test file copies it in milliseconds. */
export async function prepareTemplate(): Promise<void> {
  await withAdmin((admin) => admin.raw(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`));
  await ensureDatabase(databaseUrl(TEMPLATE_DB));
  const db = knexFactory({ client: 'pg', connection: databaseUrl(TEMPLATE_DB), pool: { min: 0, max: 1 } });
  try {
    await migrateLatest(db);
  } finally {
    await db.destroy();
  }
}

/** A clean, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<string> {
  const name = `lf_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.raw(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdmin((admin) => admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
