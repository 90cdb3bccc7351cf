import path from 'node:path';
import { Knex } from 'knex';
import pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../db/migrations');

/** The knex migration settings every caller (CLI, tests, start script) shares. We run under tsx. */
export const migrationConfig: Knex.MigratorConfig = {
  directory: MIGRATIONS_DIR,
  loadExtensions: ['.ts'],
  tableName: 'knex_migrations',
};

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505'; // two concurrent CREATE DATABASE can also collide on pg_database's index

function code(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
}

/**
 * Creates the database named in `databaseUrl` when it does not exist, connecting to the `postgres`
 * maintenance database of the same server. Safe when several processes race to create it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL has no database name: ${url.protocol}//${url.host}`);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } catch (err) {
    if (code(err) !== DUPLICATE_DATABASE && code(err) !== UNIQUE_VIOLATION) throw err;
  } finally {
    await client.end();
  }
}

function isMigrationRace(err: unknown): boolean {
  // Another process holds knex's migration lock, or created knex_migrations/_lock at the same moment.
  const c = code(err);
  return (
    (err as Error)?.name === 'MigrationLocked' ||
    /already locked/i.test((err as Error)?.message ?? '') ||
    c === UNIQUE_VIOLATION ||
    c === '42P07' // duplicate_table
  );
}

/** Runs every pending migration; when another process is migrating the same database, waits and retries. */
export async function migrateLatest(db: Knex): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.migrate.latest(migrationConfig);
      return;
    } catch (err) {
      if (attempt >= 50 || !isMigrationRace(err)) throw err;
      await new Promise((r) => setTimeout(r, 100 + attempt * 20));
    }
  }
}
