import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import Stripe from 'stripe';
import { insertCourse } from '../test/support/factories/catalog';
import { countRows, orderCourses, paymentIntentFor } from '../test/support/factories/commerce';
import { registerLearner } from '../test/support/users';
import { eventually, FaultSystem, storedDocuments } from './support/system';

/**
 * Stripe delivers at least once and in no particular order. A learner's card is declined, then a second card
 * succeeds; the seven events of that story reach the API 50 times, shuffled, ten at a time, signed as Stripe
 * signs them. The order is fulfilled exactly once: one enrollment, one receipt job and file, completed.
 */
const DELIVERIES = 50;
const s = new FaultSystem();

before(async () => {
  await s.start();
  s.stripe.deliverWebhooks = false;
});
after(() => s.close());

/** A seeded shuffle, so a failure can be replayed. */
function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

it('fulfils once from 50 duplicate and out-of-order webhook deliveries', async () => {
  const t = s.asTestServer;
  const course = await insertCourse(s.db, { priceCents: 7900 });
  const learner = await registerLearner(s.api);
  const order = await orderCourses(t, learner, [course.id]);
  const intent = await paymentIntentFor(t, learner, order.id);
  await assert.rejects(s.deps.stripe.paymentIntents.confirm(intent.payment_intent_id, { payment_method: 'pm_card_chargeDeclined' }));
  await s.deps.stripe.paymentIntents.confirm(intent.payment_intent_id, { payment_method: 'pm_card_visa' });

  const events = s.stripe.account.events.filter((e) => {
    const object = e.data.object as { id: string; payment_intent?: string };
    return object.id === intent.payment_intent_id || object.payment_intent === intent.payment_intent_id;
  });
  assert.deepEqual(
    events.map((e) => e.type).sort(),
    ['charge.succeeded', 'payment_intent.created', 'payment_intent.payment_failed', 'payment_intent.succeeded'].sort(),
  );
  const seed = Number(process.env.FAULTS_SEED ?? Date.now() % 100_000);
  const deliveries = shuffle(
    Array.from({ length: DELIVERIES }, (_, i) => events[i % events.length]!),
    seed,
  );
  const statuses: number[] = [];
  for (let i = 0; i < deliveries.length; i += 10) {
    const batch = deliveries.slice(i, i + 10).map(async (event) => {
      const payload = JSON.stringify(event);
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: s.config.stripe.webhookSecret });
      const res = await s.api.post('/payments/webhook/', undefined, {
        rawBody: payload,
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      });
      statuses.push(res.status);
    });
    await Promise.all(batch);
  }
  assert.deepEqual([...new Set(statuses)], [200], `every delivery is acknowledged (seed ${seed})`);

  const row = await s.db('orders').where({ id: order.id }).first();
  assert.equal(row.status, 'completed', `seed ${seed}`);
  assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: course.id }), 1);
  assert.equal(await countRows(t, 'stripe_events', {}), events.length, 'each distinct event processed once');
  assert.equal(await countRows(t, 'outbox', { job_name: 'render-receipt' }), 1, 'one receipt job');
  await eventually(async () => storedDocuments(s, 'receipts').length === 1, 30_000, 'the receipt');
  assert.deepEqual(storedDocuments(s, 'receipts'), [`${order.id}.pdf`]);
  const payment = await s.db('payments').where({ order_id: order.id }).first();
  assert.equal(payment.status, 'succeeded');
});
