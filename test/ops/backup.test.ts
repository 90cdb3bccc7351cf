import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import knexFactory, { type Knex } from 'knex';
import { databaseUrl, dropTestDatabase } from '../support/databases';
import { insertCourse, insertEnrollment } from '../support/factories/catalog';
import { startTestServer, type TestServer } from '../support/harness';
import { registerLearner } from '../support/users';

let t: TestServer;
let backupDir: string;
/** Named like the runner's databases (lf_t_<pid>_...), so a killed run's leftovers are dropped by the next run. */
const restored = `lf_t_${process.pid}_r${crypto.randomBytes(3).toString('hex')}`;
const openDbs: Knex[] = [];

before(async () => {
  t = await startTestServer();
  backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-backups-'));
});
after(async () => {
  await Promise.all(openDbs.map((db) => db.destroy()));
  await dropTestDatabase(restored);
  fs.rmSync(backupDir, { recursive: true, force: true });
  await t.close();
});

/** Runs a db script as `npm run` would. Asynchronously: this process also serves the test's API meanwhile. */
function run(script: 'backup' | 'restore', args: string[] = []): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `db/${script}.ts`, ...args], {
      env: { ...process.env, DATABASE_URL: t.config.databaseUrl, BACKUP_DIR: backupDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out }));
  });
}

const KEY_TABLES = ['users', 'courses', 'sections', 'lessons', 'enrollments', 'outbox'];

/** Row counts of every table, and the content of the key ones (ordered), as plain JSON. */
async function picture(db: Knex): Promise<{ counts: Record<string, number>; rows: Record<string, unknown[]> }> {
  const { rows: tables } = await db.raw<{ rows: Array<{ tablename: string }> }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
  );
  const counts: Record<string, number> = {};
  for (const { tablename } of tables) counts[tablename] = Number((await db(tablename).count({ n: '*' }))[0]!.n);
  const rows: Record<string, unknown[]> = {};
  for (const table of KEY_TABLES) rows[table] = JSON.parse(JSON.stringify(await db(table).select('*').orderBy('id')));
  return { counts, rows };
}

function connect(name: string): Knex {
  const db = knexFactory({ client: 'pg', connection: databaseUrl(name), pool: { min: 0, max: 1 } });
  openDbs.push(db);
  return db;
}

it('backs up, and a restore into a new database gives back exactly the data of the backup', async () => {
  const learner = await registerLearner(t.api, { first_name: 'Backed', last_name: 'Up' });
  const course = await insertCourse(t.db, { title: 'Backups for Everyone' });
  await insertEnrollment(t.db, learner.id, course);
  const atBackup = await picture(t.db);
  assert.ok(atBackup.counts.users! >= 2 && atBackup.counts.enrollments === 1 && atBackup.counts.courses! >= 1);

  const backup = await run('backup');
  assert.equal(backup.status, 0, backup.out);
  const files = fs.readdirSync(backupDir);
  assert.equal(files.length, 1, 'one complete file, no .partial left');
  const dbName = new URL(t.config.databaseUrl).pathname.slice(1);
  assert.match(files[0]!, new RegExp(`^${dbName}-\\d{8}T\\d{6}Z\\.dump$`));
  const file = path.join(backupDir, files[0]!);
  assert.equal(fs.readFileSync(file).subarray(0, 5).toString('latin1'), 'PGDMP', 'pg_dump custom format');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'readable by its owner only');

  // Change the data after the backup: a new learner, a renamed one, a removed enrollment.
  await registerLearner(t.api);
  await t.db('users').where({ id: learner.id }).update({ first_name: 'Changed' });
  await t.db('enrollments').where({ user_id: learner.id }).del();
  assert.notDeepEqual(await picture(t.db), atBackup);

  const restore = await run('restore', [file, '--into', restored]);
  assert.equal(restore.status, 0, restore.out);
  const back = await picture(connect(restored));
  assert.deepEqual(back.counts, atBackup.counts);
  assert.deepEqual(back.rows, atBackup.rows);
  const [user] = back.rows.users!.filter((u) => (u as { id: string }).id === learner.id) as Array<{ first_name: string }>;
  assert.equal(user?.first_name, 'Backed');
});

it('refuses to overwrite a non-empty database unless --force', async () => {
  const file = path.join(backupDir, fs.readdirSync(backupDir)[0]!);
  const live = await picture(t.db);
  const intoLive = await run('restore', [file, '--into', new URL(t.config.databaseUrl).pathname.slice(1)]);
  assert.equal(intoLive.status, 1, intoLive.out);
  assert.match(intoLive.out, /exists and is not empty .*--force/);
  assert.deepEqual(await picture(t.db), live, 'the live database is untouched');

  const again = await run('restore', [file, '--into', restored]);
  assert.equal(again.status, 1, again.out);
  const forced = await run('restore', [file, '--into', restored, '--force']);
  assert.equal(forced.status, 0, forced.out);
  assert.match(forced.out, /dropped database/);
});

it('refuses a file that is not a custom-format dump, and bad arguments', async () => {
  const bogus = path.join(backupDir, 'not-a-dump.sql');
  fs.writeFileSync(bogus, 'SELECT 1;\n');
  const res = await run('restore', [bogus, '--into', `${restored}_x`]);
  assert.equal(res.status, 1);
  assert.match(res.out, /not a pg_dump custom-format archive/);
  assert.equal((await run('restore', [])).status, 2);
  assert.equal((await run('restore', ['x.dump', '--into', 'bad name; DROP'])).status, 2);
});
