import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse } from '../support/factories/catalog';
import { BILLING, deliverWebhook, payAtStripe, paymentIntentFor, stripeEvent } from '../support/factories/commerce';
import { insertCoupon } from '../support/factories/coupons';
import { addToCart } from '../support/factories/learning';
import { expireCouponHolds } from '../../src/services/couponHolds';
import { useTestServer } from '../support/harness';
import { registerInstructor, registerLearner, type TestUser } from '../support/users';

const t = useTestServer({ stripe: true }, async () => {
  // The failure test delivers Stripe's events itself, to see the order fail at a known moment.
  t.stripe!.deliverWebhooks = false;
});

const checkout = (learner: TestUser) => t.api.post('/orders/create-from-cart/', { billing_address: BILLING }, { token: learner.access });

async function pay(learner: TestUser, orderId: string): Promise<number> {
  const intent = await paymentIntentFor(t, learner, orderId);
  await payAtStripe(t, intent.payment_intent_id);
  const confirmed = await t.api.post(
    '/payments/confirm-payment/',
    { order_id: orderId, payment_intent_id: intent.payment_intent_id },
    { token: learner.access },
  );
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return intent.amount;
}

/** A learner with the course in the cart and the code applied through the API. */
async function learnerWithCoupon(courseId: string, code: string): Promise<TestUser> {
  const learner = await registerLearner(t.api);
  await addToCart(t.db, learner.id, courseId);
  const applied = await t.api.post('/cart/coupons/', { code }, { token: learner.access });
  assert.equal(applied.status, 200, JSON.stringify(applied.body));
  return learner;
}

async function redemptionStatuses(couponId: string): Promise<Record<string, number>> {
  const rows = (await t
    .db('coupon_redemptions')
    .where({ coupon_id: couponId })
    .select('status')
    .count({ n: '*' })
    .groupBy('status')) as Array<{
    status: string;
    n: string;
  }>;
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

describe('coupons at checkout', () => {
  it('a coupon limited to 5 is redeemed exactly 5 times when 50 learners race for it', async () => {
    const instructor = await registerInstructor(t.api);
    const course = await insertCourse(t.db, { instructorId: instructor.id, priceCents: 5000 });
    const coupon = await insertCoupon(t.db, course.id, { code: 'RACE5', percentOff: 20, maxRedemptions: 5 });
    const learners = await Promise.all(Array.from({ length: 50 }, () => learnerWithCoupon(course.id, 'race5')));

    const answers = await Promise.all(learners.map(checkout));
    const won = answers.flatMap((res, i) => (res.status === 201 ? [{ learner: learners[i] as TestUser, order: res.body }] : []));
    const lost = answers.filter((res) => res.status !== 201);
    assert.equal(won.length, 5);
    assert.equal(lost.length, 45);
    for (const res of lost) {
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'COUPON_EXHAUSTED');
    }
    for (const { order } of won) {
      assert.deepEqual([order.subtotal, order.discount_amount, order.total_amount], [50, 10, 40]);
      assert.deepEqual(
        order.items.map((i: any) => [i.price_at_purchase, i.discount_amount, i.price_paid, i.coupon_code]),
        [[50, 10, 40, 'RACE5']],
      );
    }
    assert.deepEqual(await redemptionStatuses(coupon.id), { reserved: 5 });

    const charged = await Promise.all(won.map(({ learner, order }) => pay(learner, order.id)));
    assert.deepEqual(charged, [4000, 4000, 4000, 4000, 4000], 'the PaymentIntent charges the discounted total');
    assert.deepEqual(await redemptionStatuses(coupon.id), { redeemed: 5 });
    const seen = await t.api.get(`/instructor/coupons/${coupon.id}/`, { token: instructor.access });
    assert.deepEqual([seen.body.redemptions_count, seen.body.reserved_count, seen.body.status], [5, 0, 'exhausted']);
    const redemptions = await t.api.get(`/instructor/coupons/${coupon.id}/redemptions/`, { token: instructor.access });
    assert.equal(redemptions.body.count, 5);
    assert.ok(redemptions.body.results.every((r: any) => r.status === 'redeemed' && r.discount === 10 && r.learner_name === 'Test L.'));
    // orders.discount_cents is the sum of the lines' discounts (the sales figures read it).
    const sums = await t
      .db('orders as o')
      .join('order_items as oi', 'oi.order_id', 'o.id')
      .whereIn(
        'o.id',
        won.map((w) => w.order.id),
      )
      .groupBy('o.id', 'o.discount_cents')
      .select('o.discount_cents', t.db.raw('sum(oi.discount_cents)::int as lines'));
    assert.ok(sums.every((s) => s.discount_cents === s.lines && s.lines === 1000));
  });

  it('an order that fails or is replaced gives its use back, and a retry that is paid takes it again', async () => {
    const course = await insertCourse(t.db, { priceCents: 3000 });
    const coupon = await insertCoupon(t.db, course.id, { code: 'ONLYONE', percentOff: 50, maxRedemptions: 1 });
    const first = await learnerWithCoupon(course.id, 'ONLYONE');
    const second = await learnerWithCoupon(course.id, 'ONLYONE');
    const order = (await checkout(first)).body;
    assert.equal(order.total_amount, 15);
    const refused = await checkout(second);
    assert.equal(refused.body.error.code, 'COUPON_EXHAUSTED');
    const cart = await t.api.get('/cart/', { token: second.access });
    assert.equal(cart.body.items[0].coupon_discount, 0, 'the cart shows the coupon is used up');

    // A declined card fails the order: the use goes back and the other learner gets it.
    const intent = await paymentIntentFor(t, first, order.id);
    await assert.rejects(payAtStripe(t, intent.payment_intent_id, 'pm_card_chargeDeclined'));
    assert.equal((await deliverWebhook(t, stripeEvent(t, 'payment_intent.payment_failed', intent.payment_intent_id))).status, 200);
    assert.deepEqual(await redemptionStatuses(coupon.id), { released: 1 });
    const secondOrder = (await checkout(second)).body;
    assert.equal(secondOrder.discount_amount, 15);

    // Replacing the pending order (the cart changed) releases it too; the learner's new order takes it back.
    const other = await insertCourse(t.db, { priceCents: 1000 });
    await addToCart(t.db, second.id, other.id);
    const replaced = await checkout(second);
    assert.equal(replaced.status, 201, JSON.stringify(replaced.body));
    assert.notEqual(replaced.body.id, secondOrder.id);
    assert.equal(replaced.body.discount_amount, 15);
    assert.equal((await t.db('orders').where({ id: secondOrder.id }).first()).status, 'cancelled');
    assert.deepEqual(await redemptionStatuses(coupon.id), { released: 2, reserved: 1 });
    assert.equal((await t.db('coupons').where({ id: coupon.id }).first()).uses_count, 1);

    // The first learner's failed intent paid on a retry is honoured and counted (the money is taken).
    await payAtStripe(t, intent.payment_intent_id);
    assert.equal((await deliverWebhook(t, stripeEvent(t, 'payment_intent.succeeded', intent.payment_intent_id))).status, 200);
    assert.equal((await t.db('orders').where({ id: order.id }).first()).status, 'completed');
    assert.deepEqual(await redemptionStatuses(coupon.id), { released: 1, reserved: 1, redeemed: 1 });
  });

  it('an abandoned checkout gives its use back after the hold, with or without a PaymentIntent', async () => {
    const course = await insertCourse(t.db, { priceCents: 3000 });
    const coupon = await insertCoupon(t.db, course.id, { code: 'HOLD', percentOff: 10, maxRedemptions: 2 });
    const [noIntent, withIntent] = [await learnerWithCoupon(course.id, 'HOLD'), await learnerWithCoupon(course.id, 'HOLD')];
    const quiet = (await checkout(noIntent)).body;
    const started = (await checkout(withIntent)).body;
    const intent = await paymentIntentFor(t, withIntent, started.id);
    assert.equal(await expireCouponHolds(t.deps), 0, 'within the hold nothing expires');
    await t
      .db('coupon_redemptions')
      .where({ coupon_id: coupon.id })
      .update({ created_at: t.db.raw("now() - interval '2 hours'") });
    assert.equal(await expireCouponHolds(t.deps), 2);
    assert.equal((await t.db('orders').where({ id: quiet.id }).first()).status, 'cancelled');
    assert.equal((await t.db('orders').where({ id: started.id }).first()).status, 'failed');
    assert.equal(t.stripe!.account.paymentIntents.get(intent.payment_intent_id)?.status, 'canceled');
    assert.deepEqual(await redemptionStatuses(coupon.id), { released: 2 });
    assert.equal((await t.db('coupons').where({ id: coupon.id }).first()).uses_count, 0);
    assert.equal(await expireCouponHolds(t.deps), 0, 'a second run changes nothing');
  });

  it('refunds what was paid, not the list price, and prints the discount on the order', async () => {
    const course = await insertCourse(t.db, { priceCents: 8999 });
    await insertCoupon(t.db, course.id, { code: 'HALF', percentOff: 50 });
    const learner = await learnerWithCoupon(course.id, 'HALF');
    const order = (await checkout(learner)).body;
    assert.deepEqual([order.subtotal, order.discount_amount, order.total_amount], [89.99, 45, 44.99]);
    assert.equal(await pay(learner, order.id), 4499);
    const refunded = await t.api.post(`/orders/${order.id}/refund/`, { reason: 'Not for me' }, { token: learner.access });
    assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
    assert.equal(refunded.body.refund.amount, 44.99);
    const stripeRefunds = [...t.stripe!.account.refunds.values()].filter((r) => r.metadata.order_id === order.id);
    assert.deepEqual(
      stripeRefunds.map((r) => r.amount),
      [4499],
    );
  });

  it('a cart made free by coupons is enrolled at checkout without a payment', async () => {
    const course = await insertCourse(t.db, { priceCents: 4999 });
    const coupon = await insertCoupon(t.db, course.id, { code: 'FREEBIE', fixedPriceCents: 0, maxRedemptions: 3 });
    const learner = await learnerWithCoupon(course.id, 'FREEBIE');
    const res = await checkout(learner);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'completed');
    assert.deepEqual([res.body.subtotal, res.body.discount_amount, res.body.total_amount], [49.99, 49.99, 0]);
    assert.equal((await t.db('enrollments').where({ user_id: learner.id, course_id: course.id }).first()).status, 'active');
    assert.equal(await t.db('payments').where({ order_id: res.body.id }).first(), undefined);
    assert.deepEqual(await redemptionStatuses(coupon.id), { redeemed: 1 });
    assert.equal((await t.api.get('/cart/', { token: learner.access })).body.items.length, 0);
    const intent = await t.api.post('/payments/create-payment-intent/', { order_id: res.body.id }, { token: learner.access });
    assert.equal(intent.status, 409);
    assert.equal(intent.body.error.code, 'ORDER_NOT_PENDING');
    assert.match(intent.body.error.message, /free/);
  });

  it('refuses at checkout a coupon deactivated or expired since it was applied', async () => {
    const course = await insertCourse(t.db, { priceCents: 4999 });
    const coupon = await insertCoupon(t.db, course.id, { code: 'SOON-OFF' });
    const learner = await learnerWithCoupon(course.id, 'soon-off');
    await t.db('coupons').where({ id: coupon.id }).update({ is_active: false });
    const inactive = await checkout(learner);
    assert.equal(inactive.status, 422);
    assert.equal(inactive.body.error.code, 'COUPON_INACTIVE');
    await t
      .db('coupons')
      .where({ id: coupon.id })
      .update({ is_active: true, starts_at: new Date(Date.now() - 2 * 86_400_000), ends_at: new Date(Date.now() - 1000) });
    const expired = await checkout(learner);
    assert.equal(expired.body.error.code, 'COUPON_EXPIRED');
    assert.equal((await t.api.delete('/cart/coupons/SOON-OFF/', { token: learner.access })).status, 204);
    assert.equal((await checkout(learner)).body.total_amount, 49.99);
  });
});
