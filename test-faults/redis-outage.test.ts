import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { insertCourse } from '../test/support/factories/catalog';
import { countRows, orderCourses, paymentIntentFor, payAtStripe } from '../test/support/factories/commerce';
import { registerLearner, type TestUser } from '../test/support/users';
import { eventually, FaultSystem, storedDocuments, timed } from './support/system';

/**
 * Redis dies (SIGKILL, no persistence) while learners log in, register, browse and buy. Requests must cost at
 * most a short bounded moment (the rate limits fall back to memory), purchases commit with their jobs kept in
 * the outbox, readiness says degraded; when Redis returns the outbox drains and every receipt is rendered once.
 */
const s = new FaultSystem();
let courses: string[] = [];
let buyers: TestUser[] = [];

before(async () => {
  await s.start();
  courses = await Promise.all(Array.from({ length: 6 }, async () => (await insertCourse(s.db, { priceCents: 4999 })).id));
  buyers = await Promise.all(Array.from({ length: 6 }, () => registerLearner(s.api)));
});
after(() => s.close());

it('keeps serving and committing orders while Redis is down, then drains the outbox once', async () => {
  const t = s.asTestServer;
  // One purchase before the outage, to be sure the workers run end to end.
  const before = await orderCourses(t, buyers[0]!, [courses[0]!]);
  const intent0 = await paymentIntentFor(t, buyers[0]!, before.id);
  await payAtStripe(t, intent0.payment_intent_id);
  assert.equal(
    (
      await s.api.post(
        '/payments/confirm-payment/',
        { order_id: before.id, payment_intent_id: intent0.payment_intent_id },
        { token: buyers[0]!.access },
      )
    ).status,
    200,
  );
  await eventually(async () => storedDocuments(s, 'receipts').length === 1, 20_000, 'the first receipt');

  // The same requests with Redis up, then down: the outage may cost each at most a bounded extra moment. The
  // baseline absorbs what the machine's load costs (argon2 is CPU-bound), which is not the property tested.
  const probes = async (tag: string) => {
    const email = `outage-${tag}-${Date.now()}@example.com`;
    const register = await timed(() =>
      s.api.post('/auth/register/', { email, password: 'SecurePassword123!', first_name: 'Red', last_name: 'Is' }),
    );
    assert.equal(register.value.status, 201);
    const login = await timed(() => s.api.post('/auth/login/', { email, password: 'SecurePassword123!' }));
    assert.equal(login.value.status, 200);
    const badLogin = await timed(() => s.api.post('/auth/login/', { email, password: 'NotThePassword1!' }));
    assert.equal(badLogin.value.status, 401);
    assert.equal(badLogin.value.body.error.code, 'INVALID_CREDENTIALS');
    const catalog = await timed(() => s.api.get('/courses/'));
    assert.equal(catalog.value.status, 200);
    const detail = await timed(() => s.api.get(`/courses/${courses[1]}/`));
    assert.equal(detail.value.status, 200);
    return { email, ms: { register: register.ms, login: login.ms, badLogin: badLogin.ms, catalog: catalog.ms, detail: detail.ms } };
  };
  const up = await probes('up');

  await s.redis.kill();

  const down = await probes('down');
  const email = down.email;
  for (const [name, ms] of Object.entries(down.ms)) {
    const baseline = up.ms[name as keyof typeof up.ms];
    assert.ok(
      ms < baseline + 1000,
      `${name} took ${Math.round(ms)} ms with Redis down, ${Math.round(baseline)} ms with it up (bound: +1000 ms)`,
    );
  }
  console.log(`[redis-outage] ms with Redis up ${JSON.stringify(roundAll(up.ms))}, down ${JSON.stringify(roundAll(down.ms))}`);

  const ready = await s.api.get('/health/ready/');
  assert.equal(ready.status, 200);
  assert.deepEqual(ready.body, { status: 'degraded', checks: { database: 'ok', redis: 'unavailable' } });

  // Checkout during the outage: five buyers, each order paid and confirmed.
  const orders = await Promise.all(
    buyers.slice(1).map(async (buyer, i) => {
      const order = await orderCourses(t, buyer, [courses[i + 1]!]);
      const intent = await paymentIntentFor(t, buyer, order.id);
      await payAtStripe(t, intent.payment_intent_id);
      const confirmed = await timed(() =>
        s.api.post(
          '/payments/confirm-payment/',
          { order_id: order.id, payment_intent_id: intent.payment_intent_id },
          { token: buyer.access },
        ),
      );
      assert.equal(confirmed.value.status, 200, JSON.stringify(confirmed.value.body));
      assert.ok(confirmed.ms < 2000, `confirm-payment took ${Math.round(confirmed.ms)} ms with Redis down`);
      return order.id as string;
    }),
  );
  for (const id of orders) assert.equal((await s.db('orders').where({ id }).first()).status, 'completed');
  const waiting = await s.db('outbox').whereNull('sent_at').whereRaw(`job_name = 'render-receipt'`).count({ n: '*' });
  assert.equal(Number(waiting[0]!.n), orders.length, 'the receipts wait in the outbox');
  const receipt = await s.api.get(`/orders/${orders[0]}/receipt/`, { token: buyers[1]!.access });
  assert.equal(receipt.status, 409);
  assert.equal(receipt.body.error.code, 'RECEIPT_NOT_READY');

  await s.redis.start();

  await eventually(async () => (await s.api.get('/health/ready/')).body.status === 'ok', 15_000, 'readiness ok again');
  await eventually(
    async () => Number((await s.db('outbox').whereNull('sent_at').count({ n: '*' }))[0]!.n) === 0,
    20_000,
    'the outbox to drain',
  );
  await eventually(async () => storedDocuments(s, 'receipts').length === 1 + orders.length, 30_000, 'every receipt rendered');

  // Nothing lost, nothing doubled.
  const receipts = storedDocuments(s, 'receipts');
  assert.deepEqual(receipts, [before.id, ...orders].map((id) => `${id}.pdf`).sort());
  for (const [i, id] of orders.entries()) {
    assert.equal(await countRows(t, 'enrollments', { order_id: id }), 1);
    assert.equal(await countRows(t, 'outbox', { job_name: 'render-receipt', payload: JSON.stringify({ orderId: id }) }), 1);
    const pdf = await s.api.get(`/orders/${id}/receipt/`, { token: buyers[i + 1]!.access });
    assert.equal(pdf.status, 200);
    assert.equal(pdf.raw.subarray(0, 5).toString(), '%PDF-');
  }
  const login2 = await s.api.post('/auth/login/', { email, password: 'SecurePassword123!' });
  assert.equal(login2.status, 200);
});

function roundAll(ms: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v)]));
}
