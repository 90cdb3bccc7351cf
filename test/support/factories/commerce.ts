import assert from 'node:assert/strict';
import Stripe from 'stripe';
import type { TestServer } from '../harness';
import type { TestUser } from '../users';

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
export async function paymentIntentFor(t: TestServer, user: TestUser, orderId: string): Promise<{ payment_intent_id: string; client_secret: string; amount: number }> {
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
  const intent = await paymentIntentFor(t, user, order.id);
  await payAtStripe(t, intent.payment_intent_id);
  const confirmed = await t.api.post('/payments/confirm-payment/', { order_id: order.id, payment_intent_id: intent.payment_intent_id }, { token: user.access });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return order.id;
}

/** A webhook request body and Stripe-Signature header, signed with the test server's secret (or another). */
export function signedWebhook(t: TestServer, event: unknown, opts: { secret?: string; timestamp?: number } = {}): { rawBody: string; headers: Record<string, string> } {
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
  const event = [...(t.stripe?.account.events ?? [])].reverse().find((e) => e.type === type && (e.data.object as { id: string }).id === objectId);
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
  const [row] = await t.db('outbox').where({ job_name: jobName }).whereRaw('payload @> ?::jsonb', [JSON.stringify(payload)]).count({ n: '*' });
  return Number(row?.n ?? 0);
}
