import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { ApiClient } from '../test/support/client';
import { DB_NAME, PrivatePostgres, PrivateRedis, waitForPort } from './support/services';
import { API_PORT, eventually, kill } from './support/system';

/**
 * `npm start` (scripts/start.ts) keeps the API up when the workers die and restarts them with backoff: the
 * workers are killed with SIGKILL twice, come back as new processes, and the API answers all along.
 */
const ROOT = path.resolve(__dirname, '..');
const pg = new PrivatePostgres();
const redis = new PrivateRedis();
let start: ChildProcess | undefined;
const lines: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const workerPids = (): number[] =>
  lines
    .map((l) => /^workers started \(pid (\d+)\)/.exec(l)?.[1])
    .filter((x): x is string => Boolean(x))
    .map(Number);

before(async () => {
  await Promise.all([pg.init(), redis.start()]);
  start = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/start.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(API_PORT),
      HOST: '127.0.0.1',
      DATABASE_URL: pg.databaseUrl(`${DB_NAME}_start`),
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'lffs',
      QUEUE_PREFIX: '{lffs}',
      STORAGE_DIR: `/tmp/lf-faults-start-storage-${process.pid}`,
      STRIPE_TEST_SERVER_PORT: String(await freePort()),
      JWT_ACCESS_SECRET: 'faults-access-secret-0123456789abcdef',
      JWT_REFRESH_SECRET: 'faults-refresh-secret-0123456789abcdef',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [start.stdout!, start.stderr!]) {
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts);
    });
  }
  await waitForPort(API_PORT, 120_000);
});
after(async () => {
  await kill(start, 'SIGTERM', 10_000);
  await redis.destroy();
  pg.destroy();
});

it('restarts the workers after they die while the API keeps serving', async () => {
  const api = new ApiClient(`http://127.0.0.1:${API_PORT}`);
  await eventually(async () => workerPids().length === 1, 30_000, 'the workers to start');
  let apiDown = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const res = await api.get('/health/', { unchecked: true }).catch(() => ({ status: 0 }));
      if (res.status !== 200) apiDown++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  for (let round = 1; round <= 2; round++) {
    const pid = workerPids().at(-1)!;
    process.kill(pid, 'SIGKILL');
    const restartedIn = await eventually(async () => workerPids().length === round + 1, 15_000, `the workers to restart (round ${round})`);
    const next = workerPids().at(-1)!;
    assert.notEqual(next, pid);
    assert.doesNotThrow(() => process.kill(next, 0), 'the new worker process runs');
    console.log(`[start-supervisor] workers ${pid} killed, ${next} running ${restartedIn} ms later`);
  }
  polling = false;
  await poll;
  assert.equal(apiDown, 0, 'the API answered every health check while the workers were down');
  assert.ok(
    lines.some((l) => /workers exited \(SIGKILL\); restarting in 2000 ms/.test(l)),
    'the second restart waited longer (backoff)',
  );
  assert.equal(start!.exitCode, null, 'npm start is still running');
  const ready = await api.get('/health/ready/');
  assert.equal(ready.status, 200);
  assert.equal(ready.body.status, 'ok');
});
