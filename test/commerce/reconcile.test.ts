import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertCourse } from '../support/factories/catalog';
import {
  countRows,
  deliverWebhook,
  orderCourses,
  outboxJobs,
  payAtStripe,
  paymentIntentFor,
  stripeEvent,
} from '../support/factories/commerce';
import { eventually, startTestServer, type TestServer } from '../support/harness';
import { registerLearner, type TestUser } from '../support/users';
import { reconcilePendingOrders } from '../../src/services/reconciliation';

let t: TestServer;
before(async () => {
  // The real worker runs orders.reconcile every 300 ms for any order whose intent is older than 1 s.
  t = await startTestServer({ stripe: true, workers: true, env: { RECONCILE_INTERVAL_MS: '300', RECONCILE_AFTER_MS: '1000' } });
  // No webhook reaches the API: as if it was down when Stripe took the money.
  t.stripe!.deliverWebhooks = false;
});
after(async () => {
  await t.close();
});

async function pendingOrder(): Promise<{ learner: TestUser; orderId: string; intentId: string; courseId: string; intentAskedAt: number }> {
  const course = await insertCourse(t.db, { priceCents: 3100 });
  const learner = await registerLearner(t.api);
  const order = await orderCourses(t, learner, [course.id]);
  const intentAskedAt = Date.now();
  const intent = await paymentIntentFor(t, learner, order.id);
  return { learner, orderId: order.id, intentId: intent.payment_intent_id, courseId: course.id, intentAskedAt };
}

const orderStatus = async (id: string): Promise<string> => (await t.db('orders').where({ id }).first()).status;
const reconcileNow = (afterMs = 0) => reconcilePendingOrders({ db: t.db, stripe: t.deps.stripe, log: t.deps.log }, { afterMs });

describe('orders.reconcile', () => {
  it('fulfils, through the real worker, an order paid at Stripe whose webhook and confirmation never came', async () => {
    const { learner, orderId, intentId, courseId, intentAskedAt } = await pendingOrder();
    await payAtStripe(t, intentId);
    await eventually(async () => (await orderStatus(orderId)) === 'completed', 10_000, 'the reconciliation job to fulfil the order');
    // The threshold counts from the intent's creation, which came after intentAskedAt.
    assert.ok(Date.now() - intentAskedAt >= 1000, 'not before the threshold (the intent is 1 s old at the earliest)');
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: courseId, status: 'active' }), 1);
    assert.equal(await outboxJobs(t, 'render-receipt', { orderId }), 1);
    const order = await t.api.get(`/orders/${orderId}/`, { token: learner.access });
    assert.equal(order.body.status, 'completed');
    // Later runs, and the webhook arriving at last, change nothing.
    await new Promise((r) => setTimeout(r, 700));
    const late = await deliverWebhook(t, stripeEvent(t, 'payment_intent.succeeded', intentId));
    assert.deepEqual(late.body, { received: true, duplicate: false });
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: courseId }), 1);
    assert.equal(await outboxJobs(t, 'render-receipt', { orderId }), 1);
    const payment = await t.db('payments').where({ order_id: orderId }).first();
    assert.equal(payment.status, 'succeeded');
    assert.ok(payment.reconciled_at);
  });

  it('fails the order of a declined card, and leaves an unpaid or recent one pending', async () => {
    const declined = await pendingOrder();
    await assert.rejects(payAtStripe(t, declined.intentId, 'pm_card_chargeDeclined'));
    const unpaid = await pendingOrder();
    await eventually(async () => (await orderStatus(declined.orderId)) === 'failed', 10_000, 'the declined order to fail');
    assert.equal(await countRows(t, 'enrollments', { user_id: declined.learner.id }), 0);
    await eventually(
      async () => (await t.db('payments').where({ order_id: unpaid.orderId }).first()).reconciled_at,
      10_000,
      'the unpaid order to be checked',
    );
    assert.equal(await orderStatus(unpaid.orderId), 'pending');

    // Paid a moment ago: younger than the threshold, left to the webhook and the browser.
    const recent = await pendingOrder();
    await payAtStripe(t, recent.intentId);
    const report = await reconcileNow(60_000);
    assert.equal(report.outcomes.fulfilled ?? 0, 0);
    assert.equal(await orderStatus(recent.orderId), 'pending');
  });

  it('has one effect when the webhook and reconciliation runs race', async () => {
    const { learner, orderId, intentId, courseId } = await pendingOrder();
    await payAtStripe(t, intentId);
    const event = stripeEvent(t, 'payment_intent.succeeded', intentId);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => deliverWebhook(t, event)),
      ...Array.from({ length: 5 }, () => reconcileNow()),
    ]);
    const reports = results.slice(5) as Awaited<ReturnType<typeof reconcileNow>>[];
    for (const r of results.slice(0, 5) as Array<{ status: number }>) assert.equal(r.status, 200);
    const fulfilledByWebhook = await t
      .db('stripe_events')
      .where({ id: (event as { id: string }).id })
      .first();
    assert.ok(fulfilledByWebhook);
    assert.ok(reports.reduce((n, r) => n + (r.outcomes.fulfilled ?? 0), 0) <= 1);
    assert.equal(await orderStatus(orderId), 'completed');
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: courseId }), 1);
    assert.equal(await outboxJobs(t, 'render-receipt', { orderId }), 1);
    assert.equal(await outboxJobs(t, 'recompute-learner-stats', { userId: learner.id }), 1);
  });
});
