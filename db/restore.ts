/**
 * `npm run db:restore -- FILE [--into NAME] [--force]`: restores a db:backup file into database NAME on the
 * server of DATABASE_URL (default: restore_<file name>). A missing database is created; an existing empty one is
 * used; an existing one holding any table is refused unless --force, which drops and recreates it. The restore is
 * one transaction: it lands whole or not at all.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DATABASE_URL } from '../src/config';
import { findPgTool, libpqTarget, redact, serverMajor, withClient, withDatabase } from './pgTools';

const USAGE = 'usage: npm run db:restore -- FILE [--into NAME] [--force]';
/** PostgreSQL's identifier limit; letters, digits, _ and - keep the name safe to type in a shell and psql. */
const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

interface Args {
  file: string;
  into: string;
  force: boolean;
}

export function parseArgs(argv: string[]): Args {
  let file: string | undefined;
  let into: string | undefined;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--force') force = true;
    else if (arg === '--into') into = argv[++i];
    else if (arg.startsWith('--into=')) into = arg.slice('--into='.length);
    else if (arg.startsWith('-')) throw new Error(`unknown option "${arg}"\n${USAGE}`);
    else if (file === undefined) file = arg;
    else throw new Error(`unexpected argument "${arg}"\n${USAGE}`);
  }
  if (!file) throw new Error(USAGE);
  into ??= `restore_${path
    .basename(file)
    .replace(/\.dump$/, '')
    .replace(/[^A-Za-z0-9_]/g, '_')}`.slice(0, 63);
  if (!NAME.test(into)) throw new Error(`invalid database name "${into}" (letters, digits, _ and -, at most 63)`);
  return { file, into, force };
}

/** Tables, views, sequences... outside the system schemas: anything a restore could collide with or destroy. */
async function relationCount(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`,
    );
    return rows[0].n as number;
  });
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const file = path.resolve(args.file);
  if (!fs.existsSync(file)) {
    console.error(`restore refused: ${file} does not exist`);
    return 1;
  }
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(5);
  fs.readSync(fd, magic, 0, 5, 0);
  fs.closeSync(fd);
  if (magic.toString('latin1') !== 'PGDMP') {
    console.error(`restore refused: ${file} is not a pg_dump custom-format archive`);
    return 1;
  }

  const serverUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const adminUrl = withDatabase(serverUrl, 'postgres');
  const targetUrl = withDatabase(serverUrl, args.into);
  const pgRestore = findPgTool('pg_restore', await serverMajor(adminUrl));
  const exists = await withClient(
    adminUrl,
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [args.into])).rowCount === 1,
  );
  if (exists) {
    const relations = await relationCount(targetUrl);
    if (relations > 0 && !args.force) {
      console.error(
        `restore refused: database "${args.into}" exists and is not empty (${relations} relations); pass --force to replace it`,
      );
      return 1;
    }
    if (relations > 0) {
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE ${c.escapeIdentifier(args.into)} WITH (FORCE)`));
      console.log(`--force: dropped database "${args.into}"`);
    }
  }
  const created = !exists || args.force;
  if (created)
    await withClient(adminUrl, async (c) => {
      const found = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [args.into])).rowCount === 1;
      if (!found) await c.query(`CREATE DATABASE ${c.escapeIdentifier(args.into)}`);
    });

  const target = libpqTarget(targetUrl);
  const started = Date.now();
  // --no-owner: objects belong to whoever restores (the roles of the backed-up server may not exist here).
  const result = spawnSync(
    pgRestore,
    ['--no-owner', '--no-password', '--exit-on-error', '--single-transaction', `--dbname=${target.dbname}`, file],
    {
      env: target.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (result.status !== 0) {
    console.error(
      `restore failed: ${path.basename(pgRestore)} exited with ${result.status ?? result.signal ?? result.error?.message}; "${args.into}" holds nothing of the archive (one transaction)`,
    );
    return 1;
  }
  console.log(`restored ${file} into ${redact(targetUrl)} in ${Date.now() - started} ms`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`restore failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
