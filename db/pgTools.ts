import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * pg_dump and pg_restore: PG_BIN_DIR when set, else every /usr/lib/postgresql/<major>/bin (Debian and Ubuntu keep
 * several majors side by side, and only one is on PATH), else PATH. pg_dump refuses a server newer than itself and
 * pg_restore cannot read an archive from a newer pg_dump, so the newest one found is used, and one older than the
 * server is refused with the reason.
 */
export function findPgTool(name: 'pg_dump' | 'pg_restore', serverMajor: number, env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.PG_BIN_DIR) candidates.push(path.join(env.PG_BIN_DIR, name));
  else {
    const root = '/usr/lib/postgresql';
    const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => /^\d+(\.\d+)?$/.test(d)) : [];
    for (const major of majors.sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(root, major, 'bin', name));
    for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) candidates.push(path.join(dir, name));
  }
  const found = candidates
    .filter((file) => fs.existsSync(file))
    .map((file) => ({ file, major: toolMajor(file) }))
    .filter((tool): tool is { file: string; major: number } => tool.major !== undefined)
    .sort((a, b) => b.major - a.major);
  const best = found[0];
  if (!best)
    throw new Error(
      `${name} not found (looked in ${env.PG_BIN_DIR ? 'PG_BIN_DIR' : '/usr/lib/postgresql/*/bin and PATH'}); install the PostgreSQL client or set PG_BIN_DIR`,
    );
  if (best.major < serverMajor)
    throw new Error(
      `${best.file} is version ${best.major}, older than the server (${serverMajor}); install a PostgreSQL ${serverMajor} client or set PG_BIN_DIR`,
    );
  return best.file;
}

function toolMajor(file: string): number | undefined {
  const out = spawnSync(file, ['--version'], { encoding: 'utf8' });
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(out.stdout ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * A libpq connection for a child process: the URL without its password on the command line (where `ps` shows it
 * to every user of the machine), the password in PGPASSWORD.
 */
export function libpqTarget(databaseUrl: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { dbname: url.toString(), env: password ? { ...process.env, PGPASSWORD: password } : { ...process.env } };
}

export function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL has no database name');
  return name;
}

/** The same server and credentials, another database. */
export function withDatabase(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

export async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function serverMajor(databaseUrl: string): Promise<number> {
  return withClient(databaseUrl, async (c) =>
    Math.floor(Number((await c.query('SHOW server_version_num')).rows[0].server_version_num) / 10000),
  );
}

export function redact(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
