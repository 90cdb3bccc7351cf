import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { after, before, describe, it } from 'node:test';
import { API_NODE_FLAGS, API_PROCESS_ENV } from '../../src/processModel';
import { ensureBuilt } from '../compiled';
import { ApiClient } from '../support/client';
import { type CompiledApi, freePort, startCompiledApi } from '../support/compiledApi';
import { createTestDatabase, databaseUrl, dropTestDatabase } from '../support/databases';
import { registerLearner } from '../support/users';

/**
 * The production process model, compiled: `npm run build` output run by plain node with NODE_ENV=production
 * (what `npm run start:api` and `npm run db:migrate:prod` run), never through tsx.
 */
const ROOT = path.resolve(__dirname, '../..');
const random = (prefix: string): string => `${prefix}${crypto.randomBytes(24).toString('hex')}`;

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

before(() => ensureBuilt());

describe('the compiled release step (db:migrate:prod)', () => {
  const name = `lf_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  after(() => dropTestDatabase(name));

  it('two releases migrating one empty database at once both succeed and apply each migration once', async () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: databaseUrl(name) };
    const [a, b] = await Promise.all([run('dist/db/cli.js', ['migrate'], env), run('dist/db/cli.js', ['migrate'], env)]);
    assert.equal(a.code, 0, a.output);
    assert.equal(b.code, 0, b.output);
    const db = knexFactory({ client: 'pg', connection: databaseUrl(name), pool: { min: 0, max: 1 } });
    try {
      const { rows } = await db.raw<{ rows: Array<{ name: string; n: number }> }>(
        'SELECT name, count(*)::int AS n FROM knex_migrations GROUP BY name',
      );
      assert.ok(rows.length > 10, 'every migration recorded');
      // Named by their .ts files, as `npm start` and the tests record them: the two forms share one history.
      assert.ok(
        rows.every((r) => r.n === 1 && r.name.endsWith('.ts')),
        JSON.stringify(rows),
      );
    } finally {
      await db.destroy();
    }
  });
});

it('start:api runs the API with its node flags and environment, as the bench and the compiled-API tests do', () => {
  const scripts = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  const argv = scripts['start:api']?.split(/\s+/) ?? [];
  const server = argv.indexOf('dist/src/server.js');
  assert.ok(server > 0, scripts['start:api']);
  const node = argv.indexOf('node');
  assert.deepEqual(argv.slice(node + 1, server), [...API_NODE_FLAGS]);
  const env = Object.fromEntries(argv.slice(0, node).map((a) => a.split('=') as [string, string]));
  assert.deepEqual(env, { NODE_ENV: 'production', ...API_PROCESS_ENV });
});

describe('the compiled API (start:api)', () => {
  let dbName: string;
  let api: CompiledApi;
  let client: ApiClient;
  let metricsPort: number;
  before(async () => {
    dbName = await createTestDatabase();
    metricsPort = await freePort();
    api = await startCompiledApi({
      DATABASE_URL: databaseUrl(dbName),
      REDIS_PREFIX: `lft:${dbName}`,
      JWT_ACCESS_SECRET: random('access-'),
      JWT_REFRESH_SECRET: random('refresh-'),
      API_PROCESSES: '2',
      METRICS_PORT: String(metricsPort),
      SHUTDOWN_DRAIN_MS: '1500',
      LOG_LEVEL: 'info',
    });
    client = new ApiClient(api.baseUrl);
  });
  after(async () => {
    await api.stop();
    await dropTestDatabase(dbName);
  });

  it('serves the contract, the reference page and an authenticated flow from two processes on one port', async () => {
    const catalog = await client.get('/courses/');
    assert.equal(catalog.status, 200);
    assert.equal(catalog.body.count, 0);
    // Assets copied next to the compiled code: the bundled contract and the reference page's script.
    const spec = await fetch(`${api.baseUrl}/api/v1/openapi.json`);
    assert.equal(spec.status, 200);
    assert.equal(((await spec.json()) as { openapi: string }).openapi, '3.0.3');
    const init = await fetch(`${api.baseUrl}/api/docs/assets/init.js`);
    assert.equal(init.status, 200);
    const learner = await registerLearner(client);
    const me = await client.get('/auth/me/', { token: learner.access });
    assert.equal(me.status, 200);
    assert.equal(me.body.email, learner.email);
    // node:cluster: one primary and two API processes.
    const pids = new Set([...api.output().matchAll(/"pid":(\d+)[^\n]*LearnFlow API listening/g)].map((m) => m[1]));
    assert.equal(pids.size, 2, api.output());
    // node:cluster forks them with the primary's node flags (API_NODE_FLAGS) and environment (API_PROCESS_ENV).
    for (const pid of pids) {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      for (const flag of API_NODE_FLAGS) assert.ok(argv.includes(flag), argv.join(' '));
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      for (const [name, value] of Object.entries(API_PROCESS_ENV)) assert.ok(environ.includes(`${name}=${value}`), name);
    }
  });

  it('serves the metrics of every API process, aggregated, from the primary', async () => {
    for (let i = 0; i < 6; i++) assert.equal((await client.get('/categories/')).status, 200);
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const count =
      /learnflow_http_request_duration_seconds_count\{operation_id="listCategories",method="GET",status="200"[^}]*\} (\d+)/.exec(text);
    assert.equal(Number(count?.[1]), 6, `${text.slice(0, 2000)}\n${api.output()}`);
    // The outbox is one shared table: every process probes it, the aggregate is that one value, not a sum.
    assert.match(text, /learnflow_outbox_probe_up\{[^}]*\} 1\n/);
  });

  it('on SIGTERM answers readiness 503 while it still serves, then exits 0', async () => {
    api.child.kill('SIGTERM');
    let ready: Response | undefined;
    for (let i = 0; i < 50; i++) {
      ready = await fetch(`${api.baseUrl}/api/v1/health/ready/`);
      if (ready.status === 503) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(ready?.status, 503);
    assert.deepEqual(await ready?.json(), { status: 'unavailable', checks: { shutdown: 'unavailable' } });
    // Still serving during the drain, and telling kept-alive clients to go elsewhere.
    const during = await fetch(`${api.baseUrl}/api/v1/categories/`);
    assert.equal(during.status, 200);
    assert.equal(during.headers.get('connection'), 'close');
    assert.equal(await api.stop(), 0);
  });
});

it('refuses to start in production without its secrets', async () => {
  const { code, output } = await run('dist/src/server.js', [], {
    NODE_ENV: 'production',
    JWT_ACCESS_SECRET: '',
    JWT_REFRESH_SECRET: '',
    PORT: '0',
    METRICS_PORT: 'off',
  });
  assert.equal(code, 1);
  assert.match(output, /JWT_ACCESS_SECRET is required in production/);
});
