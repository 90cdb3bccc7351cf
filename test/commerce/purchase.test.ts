import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertCourse, insertEnrollment } from '../support/factories/catalog';
import { BILLING, countRows, deliverWebhook, orderCourses, outboxJobs, payAtStripe, paymentIntentFor } from '../support/factories/commerce';
import { eventually, startTestServer, type TestServer, useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';

const t = useTestServer({ stripe: true });

describe('buying courses through the API and the Stripe test server', () => {
  it('goes from cart to enrollment, with amounts computed by the server in cents', async () => {
    const web = await insertCourse(t.db, { title: 'Complete Web Development Bootcamp 2026', priceCents: 8999, originalPriceCents: 12999 });
    const ux = await insertCourse(t.db, { title: 'UI/UX Design Fundamentals', priceCents: 7999, originalPriceCents: 11999 });
    const learner = await registerLearner(t.api);

    const order = await orderCourses(t, learner, [web.id, ux.id]);
    assert.equal(order.status, 'pending');
    assert.match(order.order_number, /^ORD-\d{4}-\d{5}$/);
    assert.equal(order.total_amount, 169.98);
    assert.equal(order.subtotal, 169.98);
    assert.equal(order.items_count, 2);
    assert.equal(order.receipt_url, null);
    assert.deepEqual(
      order.items.map((i: any) => i.price_at_purchase),
      [89.99, 79.99],
    );

    const intent = await paymentIntentFor(t, learner, order.id);
    assert.equal(intent.amount, 16998);
    assert.match(intent.client_secret, new RegExp(`^${intent.payment_intent_id}_secret_`));
    const atStripe = t.stripe!.account.paymentIntents.get(intent.payment_intent_id)!;
    assert.equal(atStripe.amount, 16998);
    assert.deepEqual(atStripe.metadata, { order_id: order.id, user_id: learner.id, order_number: order.order_number });

    // The guide's client sends the client secret as payment_intent_id: accepted, only the id part is used.
    const paid = await payAtStripe(t, intent.payment_intent_id);
    assert.equal(paid.status, 'succeeded');
    const confirmed = await t.api.post(
      '/payments/confirm-payment/',
      { order_id: order.id, payment_intent_id: intent.client_secret },
      { token: learner.access },
    );
    assert.equal(confirmed.status, 200);
    assert.deepEqual(confirmed.body, {
      order_id: order.id,
      status: 'completed',
      message: 'Payment processed successfully',
      receipt_url: `${t.config.publicBaseUrl}/orders/${order.id}/receipt/`,
      courses_now_available: [
        { id: web.id, title: 'Complete Web Development Bootcamp 2026', access_url: `/dashboard/courses/${web.id}` },
        { id: ux.id, title: 'UI/UX Design Fundamentals', access_url: `/dashboard/courses/${ux.id}` },
      ],
    });

    const enrollments = await t.db('enrollments').where({ user_id: learner.id }).orderBy('course_id');
    assert.equal(enrollments.length, 2);
    for (const e of enrollments) {
      assert.equal(e.status, 'active');
      assert.equal(e.source, 'purchase');
      assert.equal(e.order_id, order.id);
    }
    const cart = await t.api.get('/cart/', { token: learner.access });
    assert.deepEqual(cart.body.items, [], 'the bought courses left the cart');
    const got = await t.api.get(`/orders/${order.id}/`, { token: learner.access });
    assert.equal(got.body.status, 'completed');
    assert.ok(got.body.completed_at);
    assert.equal(got.body.receipt_url, `${t.config.publicBaseUrl}/orders/${order.id}/receipt/`);
    assert.equal(await outboxJobs(t, 'render-receipt', { orderId: order.id }), 1);
    assert.equal(await outboxJobs(t, 'recompute-learner-stats', { userId: learner.id }), 1);
    assert.equal(await outboxJobs(t, 'recompute-course-stats', { courseId: web.id }), 1);

    // Stripe's webhook for the same payment arrives too: it changes nothing.
    await t.stripe!.webhooks.settled();
    assert.equal(await outboxJobs(t, 'render-receipt', { orderId: order.id }), 1);
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id }), 2);
    assert.ok(await t.db('stripe_events').where({ type: 'payment_intent.succeeded' }).first());

    // Confirming again answers the same 200.
    const again = await t.api.post(
      '/payments/confirm-payment/',
      { order_id: order.id, payment_intent_id: intent.payment_intent_id },
      { token: learner.access },
    );
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, confirmed.body);
  });

  it('fulfils by webhook alone when the client never confirms', async () => {
    const course = await insertCourse(t.db, { priceCents: 4999 });
    const learner = await registerLearner(t.api);
    const order = await orderCourses(t, learner, [course.id]);
    const intent = await paymentIntentFor(t, learner, order.id);
    await payAtStripe(t, intent.payment_intent_id);
    await eventually(
      async () => (await t.db('orders').where({ id: order.id }).first()).status === 'completed',
      10_000,
      'webhook fulfilment',
    );
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: course.id, status: 'active' }), 1);
  });

  it("ignores an amount sent by the client and charges the order's", async () => {
    const course = await insertCourse(t.db, { priceCents: 8999 });
    const learner = await registerLearner(t.api);
    const order = await orderCourses(t, learner, [course.id]);
    const cheap = await t.api.post('/payments/create-payment-intent/', { order_id: order.id, amount: 1 }, { token: learner.access });
    assert.equal(cheap.status, 422);
    assert.equal(cheap.body.error.code, 'VALIDATION_ERROR');
    assert.deepEqual(cheap.body.error.details, { amount: ['This field is not allowed.'] });
    const priced = await t.api.post(
      '/orders/create-from-cart/',
      { billing_address: BILLING, total_amount: 0.01 },
      { token: learner.access },
    );
    assert.equal(priced.status, 422);
    assert.deepEqual(priced.body.error.details, { total_amount: ['This field is not allowed.'] });
    assert.equal(t.stripe!.account.paymentIntents.size > 0, true);
    const intent = await paymentIntentFor(t, learner, order.id);
    assert.equal(intent.amount, 8999);
    assert.equal(t.stripe!.account.paymentIntents.get(intent.payment_intent_id)?.amount, 8999);
  });

  it('creates one PaymentIntent per order, whatever the repeats', async () => {
    const course = await insertCourse(t.db, { priceCents: 1999 });
    const learner = await registerLearner(t.api);
    const order = await orderCourses(t, learner, [course.id]);
    const before = t.stripe!.account.paymentIntents.size;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.api.post('/payments/create-payment-intent/', { order_id: order.id }, { token: learner.access })),
    );
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([201]));
    assert.equal(new Set(results.map((r) => r.body.payment_intent_id)).size, 1);
    assert.equal(new Set(results.map((r) => r.body.client_secret)).size, 1);
    assert.equal(t.stripe!.account.paymentIntents.size, before + 1, 'the idempotency key made it one intent at Stripe');
    assert.equal(results[0]?.body.publishable_key, t.config.stripe.publishableKey);
    assert.equal(await countRows(t, 'payments', { order_id: order.id }), 1);
  });

  it('never charges an order holding a course the learner came to own meanwhile', async () => {
    const a = await insertCourse(t.db, { priceCents: 1999 });
    const b = await insertCourse(t.db, { priceCents: 2999 });
    const learner = await registerLearner(t.api);
    const order = await orderCourses(t, learner, [a.id, b.id]);
    // As when an earlier, replaced order for course A was paid after all and fulfilled.
    await insertEnrollment(t.db, learner.id, a, 'purchase');
    const res = await t.api.post('/payments/create-payment-intent/', { order_id: order.id }, { token: learner.access });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'ALREADY_ENROLLED');
    assert.equal(await countRows(t, 'payments', { order_id: order.id }), 0);
    assert.equal(
      [...t.stripe!.account.paymentIntents.values()].filter((pi) => pi.metadata?.order_id === order.id).length,
      0,
      'nothing was created at Stripe',
    );
  });

  it('leaves no payable intent on an order that a newer order replaced while its intent was being created', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await insertCourse(t.db, { priceCents: 1999 });
      const b = await insertCourse(t.db, { priceCents: 2999 });
      const learner = await registerLearner(t.api);
      const first = await orderCourses(t, learner, [a.id]);
      assert.equal((await t.api.post('/cart/items/', { course_id: b.id }, { token: learner.access })).status, 201);
      const [intent, replacement] = await Promise.all([
        t.api.post('/payments/create-payment-intent/', { order_id: first.id }, { token: learner.access }),
        t.api.post('/orders/create-from-cart/', { billing_address: BILLING }, { token: learner.access }),
      ]);
      assert.equal(replacement.status, 201);
      assert.ok([201, 409].includes(intent.status), `create-payment-intent answered ${intent.status}`);
      assert.equal((await t.db('orders').where({ id: first.id }).first()).status, 'cancelled');
      const intents = [...t.stripe!.account.paymentIntents.values()].filter((pi) => pi.metadata?.order_id === first.id);
      for (const pi of intents) assert.equal(pi.status, 'canceled', "the replaced order's intent cannot be paid");
    }
  });

  it("refuses another user's order, an order that is not pending, and an unknown one", async () => {
    const course = await insertCourse(t.db, { priceCents: 2999 });
    const owner = await registerLearner(t.api);
    const other = await registerLearner(t.api);
    const order = await orderCourses(t, owner, [course.id]);
    const foreign = await t.api.post('/payments/create-payment-intent/', { order_id: order.id }, { token: other.access });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'ORDER_NOT_FOUND');
    const unknown = await t.api.post(
      '/payments/create-payment-intent/',
      { order_id: '00000000-0000-4000-8000-000000000000' },
      { token: owner.access },
    );
    assert.equal(unknown.status, 404);
    const intent = await paymentIntentFor(t, owner, order.id);
    await payAtStripe(t, intent.payment_intent_id);
    await t.api.post(
      '/payments/confirm-payment/',
      { order_id: order.id, payment_intent_id: intent.payment_intent_id },
      { token: owner.access },
    );
    const done = await t.api.post('/payments/create-payment-intent/', { order_id: order.id }, { token: owner.access });
    assert.equal(done.status, 409);
    assert.equal(done.body.error.code, 'ORDER_NOT_PENDING');
    assert.equal(done.body.error.message, 'This order is not awaiting payment (status completed)');
  });

  it("confirms only a succeeded intent that is this order's own", async () => {
    const course = await insertCourse(t.db, { priceCents: 3999 });
    const owner = await registerLearner(t.api);
    const other = await registerLearner(t.api);
    const order = await orderCourses(t, owner, [course.id]);
    const intent = await paymentIntentFor(t, owner, order.id);
    const confirm = (user: typeof owner, body: Record<string, string>) =>
      t.api.post('/payments/confirm-payment/', body, { token: user.access });

    const early = await confirm(owner, { order_id: order.id, payment_intent_id: intent.payment_intent_id });
    assert.equal(early.status, 422);
    assert.deepEqual(early.body.error, {
      code: 'PAYMENT_NOT_SUCCEEDED',
      message: 'The payment has not succeeded (status: requires_payment_method)',
      status: 422,
    });
    const unknown = await confirm(owner, { order_id: order.id, payment_intent_id: 'pi_doesnotexist' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'PAYMENT_NOT_FOUND');
    const malformed = await confirm(owner, { order_id: order.id, payment_intent_id: 'ch_123' });
    assert.equal(malformed.status, 422);
    assert.equal(malformed.body.error.code, 'VALIDATION_ERROR');

    // Another learner pays their own (cheaper) order and tries its intent on this order, and vice versa.
    const theirs = await orderCourses(t, other, [(await insertCourse(t.db, { priceCents: 100 })).id]);
    const theirIntent = await paymentIntentFor(t, other, theirs.id);
    await payAtStripe(t, theirIntent.payment_intent_id);
    const mismatch = await confirm(owner, { order_id: order.id, payment_intent_id: theirIntent.payment_intent_id });
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.body.error.code, 'PAYMENT_MISMATCH');
    const foreignOrder = await confirm(other, { order_id: order.id, payment_intent_id: intent.payment_intent_id });
    assert.equal(foreignOrder.status, 404);
    assert.equal(foreignOrder.body.error.code, 'ORDER_NOT_FOUND');
    assert.equal((await t.db('orders').where({ id: order.id }).first()).status, 'pending');
    assert.equal(await countRows(t, 'enrollments', { user_id: owner.id }), 0);
  });
});

describe('with Stripe unreachable', () => {
  let down: TestServer;
  before(async () => {
    // Nothing listens on port 9 (discard): every call to "Stripe" fails to connect.
    down = await startTestServer({ env: { STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: '9', STRIPE_API_PROTOCOL: 'http' } });
  });
  after(async () => {
    await down.close();
  });

  it('answers 502 PAYMENT_PROVIDER_ERROR and stores nothing', async () => {
    const course = await insertCourse(down.db, { priceCents: 2500 });
    const learner = await registerLearner(down.api);
    const order = await orderCourses(down, learner, [course.id]);
    const res = await down.api.post('/payments/create-payment-intent/', { order_id: order.id }, { token: learner.access });
    assert.equal(res.status, 502);
    assert.equal(res.body.error.code, 'PAYMENT_PROVIDER_ERROR');
    assert.equal(await countRows(down, 'payments', {}), 0);
    const confirm = await down.api.post(
      '/payments/confirm-payment/',
      { order_id: order.id, payment_intent_id: 'pi_123' },
      { token: learner.access },
    );
    assert.equal(confirm.status, 502);
    // A webhook cannot be checked with Stripe: 502 so that Stripe redelivers it, and nothing is recorded.
    const event = {
      id: 'evt_unverifiable',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_123', object: 'payment_intent', status: 'succeeded' } },
    };
    const hook = await deliverWebhook(down, event);
    assert.equal(hook.status, 502);
    assert.equal(hook.body.error.code, 'PAYMENT_PROVIDER_ERROR');
    assert.equal(await countRows(down, 'stripe_events', {}), 0);
  });
});
