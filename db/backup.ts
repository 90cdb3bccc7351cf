/**
 * `npm run db:backup`: a pg_dump of DATABASE_URL in custom format (compressed; pg_restore can pick tables and
 * run in parallel), written to BACKUP_DIR (var/backups) as <database>-<UTC timestamp>.dump. The dump goes to a
 * .partial file renamed when pg_dump succeeded, so a file named .dump is always complete.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_DATABASE_URL } from '../src/config';
import { databaseName, findPgTool, libpqTarget, redact, serverMajor } from './pgTools';

export function backupFileName(database: string, at: Date = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  return `${database}-${stamp}.dump`;
}

async function main(): Promise<number> {
  if (process.argv.length > 2) {
    console.error('usage: npm run db:backup   (DATABASE_URL, BACKUP_DIR)');
    return 2;
  }
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const dir = path.resolve(process.env.BACKUP_DIR || 'var/backups');
  // Dumps hold password hashes and personal data: readable by this user only.
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pgDump = findPgTool('pg_dump', await serverMajor(databaseUrl));
  const file = path.join(dir, backupFileName(databaseName(databaseUrl)));
  const partial = `${file}.partial`;
  const target = libpqTarget(databaseUrl);
  const started = Date.now();
  const result = spawnSync(pgDump, ['--format=custom', '--no-password', `--file=${partial}`, `--dbname=${target.dbname}`], {
    env: target.env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    fs.rmSync(partial, { force: true });
    console.error(`backup failed: ${path.basename(pgDump)} exited with ${result.status ?? result.signal ?? result.error?.message}`);
    return 1;
  }
  fs.chmodSync(partial, 0o600);
  fs.renameSync(partial, file);
  const kb = Math.ceil(fs.statSync(file).size / 1024);
  console.log(`backup of ${redact(databaseUrl)} written to ${file} (${kb} KB in ${Date.now() - started} ms, ${pgDump})`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`backup failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
