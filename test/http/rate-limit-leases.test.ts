import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, it } from 'node:test';
import { eventually, startTestServer, type TestServer } from '../support/harness';

/**
 * The global limit is counted in leases (src/http/leasedRateLimiter.ts): a process reserves 5 points from Redis at
 * a time, so Redis sees one call per 5 requests, and still no client gets more than the limit, from one process or
 * from two sharing the same Redis.
 */
const PREFIX = `lft:leases:${crypto.randomUUID()}`;
const env = { RATE_LIMIT_GLOBAL_PER_MINUTE: '20', RATE_LIMIT_GLOBAL_LEASE: '5', REDIS_PREFIX: PREFIX };
let a: TestServer;
let b: TestServer;
before(async () => {
  [a, b] = await Promise.all([startTestServer({ env }), startTestServer({ env })]);
  // Until its Redis connection is ready a process counts in memory (the insurance limiter), which is not shared.
  await eventually(async () => a.deps.redis.status === 'ready' && b.deps.redis.status === 'ready', 10_000, 'Redis ready');
});
after(async () => {
  await Promise.all([a.close(), b.close()]);
});

const from = (n: number) => ({ localAddress: `127.0.0.${n}` });
/** Points Redis has counted for a client address (rate-limiter-flexible keeps one counter per key). */
async function counted(ip: string): Promise<number> {
  return Number((await a.deps.redis.get(`${PREFIX}:rl:global:${ip}`)) ?? 0);
}

it('reserves points from Redis five at a time and allows exactly the limit from one process', async () => {
  const first = await a.api.get('/health/', from(21));
  assert.equal(first.status, 200);
  assert.equal(await counted('127.0.0.21'), 5);
  assert.equal(first.headers.get('ratelimit-remaining'), '19');
  for (let i = 2; i <= 6; i++) assert.equal((await a.api.get('/health/', from(21))).status, 200);
  assert.equal(await counted('127.0.0.21'), 10);
  for (let i = 7; i <= 20; i++) assert.equal((await a.api.get('/health/', from(21))).status, 200, `request ${i}`);
  const refused = await a.api.get('/health/', from(21));
  assert.equal(refused.status, 429);
  assert.equal(refused.body.error.code, 'RATE_LIMIT_EXCEEDED');
  assert.equal(refused.headers.get('ratelimit-remaining'), '0');
  assert.ok(Number(refused.headers.get('retry-after')) >= 1);
});

it('never allows more than the limit to a client spread over two processes', async () => {
  let allowed = 0;
  for (let i = 0; i < 40; i++) {
    const res = await (i % 2 === 0 ? a : b).api.get('/health/', from(22));
    if (res.status === 200) allowed++;
    else assert.equal(res.body.error.code, 'RATE_LIMIT_EXCEEDED');
  }
  // At most the limit; at least the limit less the other process's unspent lease (lease − 1).
  assert.ok(allowed <= 20 && allowed >= 16, `allowed ${allowed}`);
  assert.ok((await counted('127.0.0.22')) <= 25);
});
