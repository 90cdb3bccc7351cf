import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { insertCourse } from '../test/support/factories/catalog';
import { BILLING } from '../test/support/factories/commerce';
import { registerLearner, type TestUser } from '../test/support/users';
import { eventually, FaultSystem } from './support/system';

/**
 * PostgreSQL crashes (immediate shutdown) and comes back while six virtual users browse and check out. During
 * the outage every request is answered fast with 503 SERVICE_UNAVAILABLE in the envelope (never a hang, never
 * a 500); the pool recovers by itself once PostgreSQL is back; no order is left half-written.
 */
const USERS = 6;
const OUTAGE_MS = 4000;
/** A 503 must come quickly: the connect timeout is 2 s; allow the machine's load on top. */
const FAST_MS = 3500;

const s = new FaultSystem();
let courses: string[] = [];
let learners: TestUser[] = [];

before(async () => {
  await s.start();
  courses = await Promise.all(Array.from({ length: 4 }, async () => (await insertCourse(s.db, { priceCents: 2500 })).id));
  learners = await Promise.all(Array.from({ length: USERS }, () => registerLearner(s.api)));
});
after(() => s.close());

interface Sample {
  op: string;
  at: number;
  ms: number;
  status: number;
  code?: string;
  error?: string;
}

it('answers fast 503s while PostgreSQL is down, recovers, and never half-writes an order', async () => {
  const samples: Sample[] = [];
  let running = true;
  const t0 = Date.now();
  const call = async (op: string, work: () => Promise<{ status: number; body: any }>): Promise<void> => {
    const at = Date.now() - t0;
    const started = performance.now();
    try {
      const res = await work();
      samples.push({ op, at, ms: performance.now() - started, status: res.status, code: res.body?.error?.code });
    } catch (err) {
      samples.push({ op, at, ms: performance.now() - started, status: 0, error: (err as Error).message });
    }
  };
  const user = async (learner: TestUser, i: number): Promise<void> => {
    for (let n = 0; running; n++) {
      const opts = { token: learner.access, unchecked: true };
      await call('browse', () => s.api.get('/courses/', { unchecked: true }));
      await call('me', () => s.api.get('/auth/me/', opts));
      await call('cart', () => s.api.post('/cart/items/', { course_id: courses[(i + n) % courses.length] }, opts));
      await call('order', () => s.api.post('/orders/create-from-cart/', { billing_address: BILLING }, opts));
    }
  };
  const load = Promise.all(learners.map(user));

  await new Promise((r) => setTimeout(r, 2000));
  const downAt = Date.now() - t0;
  s.pg.stop('immediate');
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await s.pg.start();
  const upAt = Date.now() - t0;
  const recoveredIn = await eventually(
    async () => (await s.api.get('/courses/', { unchecked: true })).status === 200,
    15_000,
    'the pool to recover',
  );
  await new Promise((r) => setTimeout(r, 2000));
  running = false;
  await load;

  const during = samples.filter((x) => x.at >= downAt + 200 && x.at + x.ms <= upAt);
  const unavailable = samples.filter((x) => x.status === 503);
  const byStatus: Record<string, number> = {};
  for (const x of samples) byStatus[x.status] = (byStatus[x.status] ?? 0) + 1;
  const slowest503 = Math.max(0, ...unavailable.map((x) => x.ms));
  console.log(
    `[postgres-restart] ${samples.length} requests ${JSON.stringify(byStatus)}; ${during.length} during the outage; ` +
      `slowest 503 ${Math.round(slowest503)} ms; pool recovered ${recoveredIn} ms after PostgreSQL was back`,
  );

  assert.deepEqual(
    samples.filter((x) => x.status === 0 || (x.status >= 500 && x.status !== 503)),
    [],
    'no 500 and no broken connection',
  );
  assert.ok(during.length > 0, 'requests ran during the outage');
  for (const x of during) assert.equal(x.status, 503, `${x.op} at ${x.at} ms answered ${x.status} during the outage`);
  for (const x of unavailable) {
    assert.equal(x.code, 'SERVICE_UNAVAILABLE');
    assert.ok(x.ms < FAST_MS, `${x.op} took ${Math.round(x.ms)} ms to answer 503`);
  }
  const after = samples.filter((x) => x.at > upAt + recoveredIn + 500);
  assert.ok(after.length > 0);
  assert.deepEqual(
    after.filter((x) => x.status >= 500),
    [],
    'every request succeeds again after recovery',
  );

  // No half-written order: every order has items, and its amounts are the sum of its items.
  const broken = await s.db.raw(`
    SELECT o.id FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
    GROUP BY o.id, o.subtotal_cents
    HAVING count(i.id) = 0 OR sum(i.price_cents) <> o.subtotal_cents`);
  assert.deepEqual(broken.rows, []);
  const orders = await s.db('orders').count({ n: '*' });
  assert.ok(Number(orders[0]!.n) > 0, 'orders were created');
  assert.equal(s.workerProc?.exitCode, null, 'the workers survived the restart');
  assert.equal(s.apiProc?.exitCode, null, 'the API survived the restart');
});
