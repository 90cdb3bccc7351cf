import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import Stripe from 'stripe';
import { withTransaction } from '../../../src/db/transaction';
import type { TestServer } from '../harness';
import type { TestUser } from '../users';
import type { CourseFixture } from './catalog';

/** A valid billing address, as the guide's example sends it. */
export const BILLING = {
  first_name: 'John',
  last_name: 'Doe',
  email: 'john@example.com',
  address_line1: '123 Main Street',
  address_line2: 'Apt 4B',
  city: 'San Francisco',
  state: 'CA',
  postal_code: '94105',
  country: 'US',
  phone: '+1 (555) 123-4567',
};

/** Puts the courses in the user's cart and turns it into a pending order, through the API; returns the order. */
export async function orderCourses(t: TestServer, user: TestUser, courseIds: string[]): Promise<any> {
  for (const courseId of courseIds) {
    const added = await t.api.post('/cart/items/', { course_id: courseId }, { token: user.access });
    assert.equal(added.status, 201, JSON.stringify(added.body));
  }
  const order = await t.api.post('/orders/create-from-cart/', { billing_address: BILLING }, { token: user.access });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  return order.body;
}

/** The order's PaymentIntent through the API (what the browser receives for Stripe.js). */
export async function paymentIntentFor(
  t: TestServer,
  user: TestUser,
  orderId: string,
): Promise<{ payment_intent_id: string; client_secret: string; amount: number }> {
  const res = await t.api.post('/payments/create-payment-intent/', { order_id: orderId }, { token: user.access });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/**
 * What Stripe.js does in the browser: confirms the intent at the Stripe test server with a test payment method.
 * A declined card rejects with Stripe's card error, as the SDK reports it.
 */
export function payAtStripe(t: TestServer, paymentIntentId: string, paymentMethod = 'pm_card_visa'): Promise<Stripe.PaymentIntent> {
  return t.deps.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: paymentMethod });
}

/** The whole purchase: cart, order, intent, card payment, confirm-payment; returns the order id. */
export async function purchase(t: TestServer, user: TestUser, courseIds: string[]): Promise<string> {
  const order = await orderCourses(t, user, courseIds);
  await payThroughApi(t, user, order.id);
  return order.id;
}

/** Pays a pending order: intent, card payment at the Stripe test server, confirm-payment. */
export async function payThroughApi(t: TestServer, user: TestUser, orderId: string): Promise<void> {
  const intent = await paymentIntentFor(t, user, orderId);
  await payAtStripe(t, intent.payment_intent_id);
  const confirmed = await t.api.post(
    '/payments/confirm-payment/',
    { order_id: orderId, payment_intent_id: intent.payment_intent_id },
    { token: user.access },
  );
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
}

/** A webhook request body and Stripe-Signature header, signed with the test server's secret (or another). */
export function signedWebhook(
  t: TestServer,
  event: unknown,
  opts: { secret?: string; timestamp?: number } = {},
): { rawBody: string; headers: Record<string, string> } {
  const rawBody = JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: rawBody,
    secret: opts.secret ?? t.config.stripe.webhookSecret,
    ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
  });
  return { rawBody, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
}

/** POSTs a signed event to the API's webhook endpoint. */
export function deliverWebhook(t: TestServer, event: unknown, opts: { secret?: string; timestamp?: number } = {}) {
  const { rawBody, headers } = signedWebhook(t, event, opts);
  return t.api.post('/payments/webhook/', undefined, { rawBody, headers });
}

/** The last event of a type the Stripe test server emitted for an object. */
export function stripeEvent(t: TestServer, type: string, objectId: string): unknown {
  const event = [...(t.stripe?.account.events ?? [])]
    .reverse()
    .find((e) => e.type === type && (e.data.object as { id: string }).id === objectId);
  assert.ok(event, `no ${type} event for ${objectId}`);
  return event;
}

/** Rows of a table matching `where`, counted. */
export async function countRows(t: TestServer, table: string, where: Record<string, unknown>): Promise<number> {
  const [row] = await t.db(table).where(where).count({ n: '*' });
  return Number(row?.n ?? 0);
}

/** Outbox rows of one job for one payload value (e.g. render-receipt of an order). */
export async function outboxJobs(t: TestServer, jobName: string, payload: Record<string, string>): Promise<number> {
  const [row] = await t
    .db('outbox')
    .where({ job_name: jobName })
    .whereRaw('payload @> ?::jsonb', [JSON.stringify(payload)])
    .count({ n: '*' });
  return Number(row?.n ?? 0);
}

/** BILLING as createOrderFromCart stores it: every field, the optional ones null when not sent. */
const STORED_BILLING = { ...BILLING, address_line2: null, phone: null };

export type OrderStatus = 'pending' | 'completed' | 'cancelled' | 'refunded';

/** An order row of the course (a completed one with its enrollment, as fulfilment leaves it). */
export async function insertOrder(db: Knex, user: TestUser, course: CourseFixture, status: OrderStatus): Promise<string> {
  return withTransaction(db, async (trx) => {
    const now = new Date();
    const [order] = await trx('orders')
      .insert({
        user_id: user.id,
        status,
        subtotal_cents: course.priceCents,
        total_cents: course.priceCents,
        billing_address: JSON.stringify(STORED_BILLING),
        completed_at: status === 'completed' || status === 'refunded' ? now : null,
        cancelled_at: status === 'cancelled' ? now : null,
        refunded_at: status === 'refunded' ? now : null,
      })
      .returning('id');
    const orderId = (order as { id: string }).id;
    await trx('order_items').insert({ order_id: orderId, course_id: course.id, price_cents: course.priceCents });
    if (status === 'completed') {
      await trx('enrollments').insert({
        user_id: user.id,
        course_id: course.id,
        order_id: orderId,
        source: 'purchase',
        total_lessons: course.lessonIds.length,
      });
    }
    return orderId;
  });
}

/**
 * The order's PaymentIntent, succeeded at the (local) Stripe as Stripe.js leaves it after the card step, and
 * recorded on the order as createPaymentIntent records it (metadata, amount and currency of the order).
 */
export async function payOrder(t: TestServer, orderId: string, user: TestUser, course: CourseFixture): Promise<string> {
  const intent = await t.deps.stripe.paymentIntents.create({
    amount: course.priceCents,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
    metadata: { order_id: orderId, user_id: user.id },
  });
  const order = (await t.db('orders').where({ id: orderId }).first('status')) as { status: string };
  await t.db('payments').insert({
    order_id: orderId,
    user_id: user.id,
    stripe_payment_intent_id: intent.id,
    amount_cents: course.priceCents,
    client_secret: intent.client_secret,
    status: intent.status,
    fulfilled_at: order.status === 'completed' ? new Date() : null,
  });
  return intent.id;
}

export async function insertWishlistItem(db: Knex, userId: string, courseId: string): Promise<string> {
  const [row] = await db('wishlist_items').insert({ user_id: userId, course_id: courseId }).returning('id');
  return (row as { id: string }).id;
}

/** The id of the cart item holding the course in the user's cart. */
export async function cartItemId(db: Knex, userId: string, courseId: string): Promise<string> {
  const row = (await db('cart_items')
    .join('carts', 'carts.id', 'cart_items.cart_id')
    .where({ 'carts.user_id': userId, 'cart_items.course_id': courseId })
    .first('cart_items.id')) as { id: string };
  return row.id;
}
