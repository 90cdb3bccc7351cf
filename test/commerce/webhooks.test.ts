import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse } from '../support/factories/catalog';
import {
  BILLING,
  countRows,
  deliverWebhook,
  orderCourses,
  outboxJobs,
  payAtStripe,
  paymentIntentFor,
  signedWebhook,
  stripeEvent,
} from '../support/factories/commerce';
import { eventually, useTestServer } from '../support/harness';
import { registerLearner, type TestUser } from '../support/users';

const t = useTestServer({ stripe: true }, async () => {
  // These tests deliver the test server's events themselves, to control their timing and repetition.
  t.stripe!.deliverWebhooks = false;
});

/** A pending order of a new learner for one new course, with its PaymentIntent. */
async function pendingOrder(priceCents = 4999): Promise<{ learner: TestUser; order: any; intentId: string; courseId: string }> {
  const course = await insertCourse(t.db, { priceCents });
  const learner = await registerLearner(t.api);
  const order = await orderCourses(t, learner, [course.id]);
  const intent = await paymentIntentFor(t, learner, order.id);
  return { learner, order, intentId: intent.payment_intent_id, courseId: course.id };
}

const orderStatus = async (id: string): Promise<string> => (await t.db('orders').where({ id }).first()).status;

describe('the Stripe webhook', () => {
  it('refuses a missing, wrong or stale signature with 400 and processes nothing', async () => {
    const { order, intentId } = await pendingOrder();
    await payAtStripe(t, intentId);
    const event = stripeEvent(t, 'payment_intent.succeeded', intentId);

    const unsigned = await t.api.post('/payments/webhook/', event);
    assert.equal(unsigned.status, 400);
    assert.equal(unsigned.body.error.code, 'WEBHOOK_SIGNATURE_INVALID');
    const wrongSecret = await deliverWebhook(t, event, { secret: 'whsec_someone_else' });
    assert.equal(wrongSecret.status, 400);
    assert.equal(wrongSecret.body.error.code, 'WEBHOOK_SIGNATURE_INVALID');
    const stale = await deliverWebhook(t, event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    assert.equal(stale.status, 400);
    assert.equal(stale.body.error.code, 'WEBHOOK_SIGNATURE_INVALID');
    const { headers } = signedWebhook(t, event);
    const tampered = await t.api.post('/payments/webhook/', undefined, {
      rawBody: JSON.stringify({ ...(event as object), id: 'evt_forged' }),
      headers,
    });
    assert.equal(tampered.status, 400);
    const garbage = await t.api.post('/payments/webhook/', undefined, {
      rawBody: '[1,2,3]',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
    });
    assert.equal(garbage.status, 400);
    assert.equal(garbage.body.error.code, 'WEBHOOK_SIGNATURE_INVALID');

    assert.equal(await orderStatus(order.id), 'pending');
    assert.equal(await countRows(t, 'stripe_events', {}), 0);
    const ok = await deliverWebhook(t, event);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { received: true, duplicate: false });
    assert.equal(await orderStatus(order.id), 'completed');
  });

  it('processes one event delivered 20 times at once exactly once: one fulfilment, one receipt job', async () => {
    const { learner, order, intentId, courseId } = await pendingOrder();
    await payAtStripe(t, intentId);
    const event = stripeEvent(t, 'payment_intent.succeeded', intentId);
    const results = await Promise.all(Array.from({ length: 20 }, () => deliverWebhook(t, event)));
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    assert.equal(results.filter((r) => r.body.duplicate === false).length, 1);
    assert.equal(results.filter((r) => r.body.duplicate === true).length, 19);
    assert.equal(await orderStatus(order.id), 'completed');
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: courseId }), 1);
    assert.equal(await outboxJobs(t, 'render-receipt', { orderId: order.id }), 1);
    assert.equal(await outboxJobs(t, 'recompute-learner-stats', { userId: learner.id }), 1);
    assert.equal(await countRows(t, 'stripe_events', { id: (event as { id: string }).id }), 1);
  });

  it('fulfils once when confirm-payment and the webhook race', async () => {
    const { learner, order, intentId, courseId } = await pendingOrder();
    await payAtStripe(t, intentId);
    const event = stripeEvent(t, 'payment_intent.succeeded', intentId);
    const confirm = () =>
      t.api.post('/payments/confirm-payment/', { order_id: order.id, payment_intent_id: intentId }, { token: learner.access });
    const results = await Promise.all([
      ...Array.from({ length: 10 }, confirm),
      ...Array.from({ length: 10 }, () => deliverWebhook(t, event)),
    ]);
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    for (const r of results.slice(0, 10)) assert.equal(r.body.status, 'completed');
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: courseId }), 1);
    assert.equal(await outboxJobs(t, 'render-receipt', { orderId: order.id }), 1);
    const payment = await t.db('payments').where({ order_id: order.id }).first();
    assert.equal(payment.status, 'succeeded');
    assert.ok(payment.fulfilled_at);
  });

  it("marks a declined card's order failed without enrolling, and fulfils a later retry of the same intent", async () => {
    const { learner, order, intentId, courseId } = await pendingOrder();
    await assert.rejects(
      payAtStripe(t, intentId, 'pm_card_chargeDeclined'),
      (err: any) => err.type === 'StripeCardError' && err.code === 'card_declined',
    );
    const failed = await deliverWebhook(t, stripeEvent(t, 'payment_intent.payment_failed', intentId));
    assert.equal(failed.status, 200);
    assert.equal(await orderStatus(order.id), 'failed');
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id }), 0);
    assert.equal(await outboxJobs(t, 'render-receipt', { orderId: order.id }), 0);

    const confirm = await t.api.post(
      '/payments/confirm-payment/',
      { order_id: order.id, payment_intent_id: intentId },
      { token: learner.access },
    );
    assert.equal(confirm.status, 409);
    assert.equal(confirm.body.error.code, 'ORDER_NOT_PENDING');
    const again = await t.api.post('/payments/create-payment-intent/', { order_id: order.id }, { token: learner.access });
    assert.equal(again.status, 409);

    // The same payment sheet retried with a good card: a received payment always grants access.
    await payAtStripe(t, intentId, 'pm_card_visa');
    const retried = await t.api.post(
      '/payments/confirm-payment/',
      { order_id: order.id, payment_intent_id: intentId },
      { token: learner.access },
    );
    assert.equal(retried.status, 200);
    assert.equal(await orderStatus(order.id), 'completed');
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: courseId, status: 'active' }), 1);
  });

  it('never moves an order backwards when events arrive out of order', async () => {
    const { order, intentId } = await pendingOrder();
    await assert.rejects(payAtStripe(t, intentId, 'pm_card_chargeDeclined'));
    const failedEvent = stripeEvent(t, 'payment_intent.payment_failed', intentId);
    await payAtStripe(t, intentId, 'pm_card_visa');
    assert.equal((await deliverWebhook(t, stripeEvent(t, 'payment_intent.succeeded', intentId))).status, 200);
    assert.equal(await orderStatus(order.id), 'completed');
    // The failure of the first attempt arrives last.
    const late = await deliverWebhook(t, failedEvent);
    assert.deepEqual(late.body, { received: true, duplicate: false });
    assert.equal(await orderStatus(order.id), 'completed');
    const payment = await t.db('payments').where({ order_id: order.id }).first();
    assert.equal(payment.status, 'succeeded');
  });

  it('acknowledges event types it does not handle, and redeliveries, without changing anything', async () => {
    const { order, intentId } = await pendingOrder();
    const created = stripeEvent(t, 'payment_intent.created', intentId);
    assert.deepEqual((await deliverWebhook(t, created)).body, { received: true, duplicate: false });
    assert.deepEqual((await deliverWebhook(t, created)).body, { received: true, duplicate: true });
    assert.equal(await orderStatus(order.id), 'pending');
  });

  it('treats a validly signed event as a hint: a forged succeeded intent completes nothing, a forged refund refunds nothing', async () => {
    const { learner, order, intentId, courseId } = await pendingOrder(4999);
    // Everything an attacker holding the signing secret could claim: the learner's own unpaid intent, succeeded,
    // for the right amount, currency and metadata. Stripe still says requires_payment_method.
    const forged = {
      id: 'evt_forged_succeeded',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: {
        object: {
          id: intentId,
          object: 'payment_intent',
          amount: 4999,
          amount_received: 4999,
          currency: 'usd',
          status: 'succeeded',
          metadata: { order_id: order.id, user_id: learner.id },
        },
      },
    };
    const res = await deliverWebhook(t, forged);
    assert.equal(res.status, 200);
    assert.equal(await orderStatus(order.id), 'pending');
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: courseId }), 0);
    assert.equal(await outboxJobs(t, 'render-receipt', { orderId: order.id }), 0);
    // An intent Stripe has never heard of is acknowledged and ignored too.
    const unknown = await deliverWebhook(t, {
      ...forged,
      id: 'evt_forged_unknown',
      data: { object: { ...forged.data.object, id: 'pi_forged_nonexistent' } },
    });
    assert.equal(unknown.status, 200);

    // Once really paid, a forged charge.refunded naming its charge refunds nothing: Stripe says not refunded.
    const paid = await payAtStripe(t, intentId);
    assert.equal((await deliverWebhook(t, stripeEvent(t, 'payment_intent.succeeded', intentId))).status, 200);
    assert.equal(await orderStatus(order.id), 'completed');
    const forgedRefund = {
      ...forged,
      id: 'evt_forged_refund',
      type: 'charge.refunded',
      data: {
        object: {
          id: paid.latest_charge,
          object: 'charge',
          amount: 4999,
          amount_refunded: 4999,
          currency: 'usd',
          refunded: true,
          payment_intent: intentId,
          refunds: { object: 'list', data: [] },
        },
      },
    };
    assert.equal((await deliverWebhook(t, forgedRefund)).status, 200);
    assert.equal(await orderStatus(order.id), 'completed');
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: courseId, status: 'active' }), 1);
    assert.equal(await countRows(t, 'refunds', { order_id: order.id }), 0);
  });

  it('ignores a succeeded intent that LearnFlow did not create for the order', async () => {
    const { order, intentId } = await pendingOrder(4999);
    // A PaymentIntent made outside the API, claiming the order in its metadata, for less money.
    const rogue = await t.deps.stripe.paymentIntents.create({ amount: 100, currency: 'usd', metadata: { order_id: order.id } });
    await payAtStripe(t, rogue.id);
    const res = await deliverWebhook(t, stripeEvent(t, 'payment_intent.succeeded', rogue.id));
    assert.equal(res.status, 200);
    assert.equal(await orderStatus(order.id), 'pending');
    assert.notEqual(rogue.id, intentId);
  });

  it('cancels the previous pending order and its intent when the cart changes, yet honours a payment made on it', async () => {
    const first = await insertCourse(t.db, { priceCents: 2999 });
    const second = await insertCourse(t.db, { priceCents: 3999 });
    const learner = await registerLearner(t.api);
    const old = await orderCourses(t, learner, [first.id]);
    const oldIntent = await paymentIntentFor(t, learner, old.id);
    const added = await t.api.post('/cart/items/', { course_id: second.id }, { token: learner.access });
    assert.equal(added.status, 201);
    const fresh = await t.api.post('/orders/create-from-cart/', { billing_address: BILLING }, { token: learner.access });
    assert.equal(fresh.status, 201);
    assert.notEqual(fresh.body.id, old.id);
    assert.equal(await orderStatus(old.id), 'cancelled');
    assert.equal(t.stripe!.account.paymentIntents.get(oldIntent.payment_intent_id)?.status, 'canceled');

    // Had the old intent been paid before its cancellation reached Stripe, the payment is honoured.
    const paidOld = await pendingOrder(1500);
    await t.api.post('/cart/items/', { course_id: (await insertCourse(t.db, { priceCents: 999 })).id }, { token: paidOld.learner.access });
    await payAtStripe(t, paidOld.intentId);
    await t.api.post('/orders/create-from-cart/', { billing_address: BILLING }, { token: paidOld.learner.access });
    assert.equal(await orderStatus(paidOld.order.id), 'cancelled');
    assert.equal((await deliverWebhook(t, stripeEvent(t, 'payment_intent.succeeded', paidOld.intentId))).status, 200);
    await eventually(async () => (await orderStatus(paidOld.order.id)) === 'completed', 5000, 'the cancelled but paid order to complete');
    assert.equal(await countRows(t, 'enrollments', { user_id: paidOld.learner.id, course_id: paidOld.courseId, status: 'active' }), 1);
  });
});
