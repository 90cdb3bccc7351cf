import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../db/migrations');

/** `.ts` under tsx (development, tests), `.js` in the compiled build (dist/, `npm run build`). */
const EXTENSION = path.extname(__filename);

/**
 * Lists the migrations in whichever form this process runs (TypeScript or compiled), but names every one by its
 * `.ts` file: knex_migrations records names with their extension, and a database migrated by `npm start` must be
 * up to date for the compiled `db:migrate:prod` too, not see every migration as new.
 */
const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () =>
    (await fs.promises.readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith(EXTENSION) && !f.endsWith('.d.ts')).sort(),
  getMigrationName: (file) => `${file.slice(0, -EXTENSION.length)}.ts`,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  getMigration: async (file) => require(path.join(MIGRATIONS_DIR, file)) as Knex.Migration,
};

/** The knex migration settings every caller (CLI, tests, start script, compiled release step) shares. */
export const migrationConfig: Knex.MigratorConfig = {
  migrationSource,
  tableName: 'knex_migrations',
};

/** pg_advisory_lock key of the release step (migrate, and the demo seed of `npm start`): "learnflow" in ASCII. */
const MIGRATION_LOCK_KEY = 0x6c6561726e;

/**
 * Runs `work` while holding a PostgreSQL advisory lock on a connection of its own (outside the pool, which may
 * have a single connection that `work` needs): two release steps or starting processes never migrate or seed
 * the same database at once; the second waits, then finds nothing left to do.
 */
export async function withMigrationLock<T>(db: Knex, work: () => Promise<T>): Promise<T> {
  const client = db.client as { acquireRawConnection(): Promise<pg.Client>; destroyRawConnection(c: pg.Client): Promise<void> };
  const conn = await client.acquireRawConnection();
  try {
    await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.destroyRawConnection(conn);
  }
}

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

/**
 * Runs every pending migration under the migration lock, then `andThen` (the demo seed) under the same lock.
 * The retry on knex's own lock stays for processes that migrate without ours (an older release).
 */
export async function migrateLatest(db: Knex, andThen?: () => Promise<void>): Promise<void> {
  await withMigrationLock(db, async () => {
    await migrateRetrying(db);
    await andThen?.();
  });
}

async function migrateRetrying(db: Knex): Promise<void> {
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
