import crypto from 'node:crypto';
import knexFactory from 'knex';
import { ensureDatabase, migrateLatest } from '../../src/db/migrate';

/** The server every test database lives on; DATABASE_URL's database part is replaced per test file. */
export const PG_SERVER_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
/** Read when used: test/run.ts names a template per run, and the test files it spawns inherit the name. */
const templateDb = (): string => process.env.TEST_TEMPLATE_DB ?? 'lf_test_template';

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
  await dropOrphans();
  await withAdmin((admin) => admin.raw(`DROP DATABASE IF EXISTS ${templateDb()} WITH (FORCE)`));
  await ensureDatabase(databaseUrl(templateDb()));
  const db = knexFactory({ client: 'pg', connection: databaseUrl(templateDb()), pool: { min: 0, max: 1 } });
  try {
    await migrateLatest(db);
  } finally {
    await db.destroy();
  }
}

/** A clean, migrated database of its own for one test file. */
export async function createTestDatabase(): Promise<string> {
  const name = `lf_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  await withAdmin((admin) => admin.raw(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`));
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdmin((admin) => admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Drops the template after a run. */
export async function dropTemplate(): Promise<void> {
  await withAdmin((admin) => admin.raw(`DROP DATABASE IF EXISTS ${templateDb()} WITH (FORCE)`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Test databases are named after the process that made them (lf_t_<pid>_..., lf_tpl_<pid>); a killed run
 * leaves its own behind. Drop those whose process is gone, never another live run's.
 */
async function dropOrphans(): Promise<void> {
  await withAdmin(async (admin) => {
    const { rows } = (await admin.raw(`SELECT datname FROM pg_database WHERE datname ~ '^lf_(t|tpl)_[0-9]+'`)) as {
      rows: { datname: string }[];
    };
    for (const { datname } of rows) {
      const pid = Number(/^lf_(?:t|tpl)_(\d+)/.exec(datname)?.[1]);
      if (pid && !alive(pid)) await admin.raw(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  });
}
