import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { insertCourse } from '../test/support/factories/catalog';
import { countRows, orderCourses, payAtStripe, paymentIntentFor } from '../test/support/factories/commerce';
import { registerLearner } from '../test/support/users';
import { eventually, FaultSystem, storedDocuments } from './support/system';

/**
 * Stripe takes the money, then the API dies before anything fulfils the order: the browser never comes back
 * to confirm-payment and the webhook is lost. A reconciliation job ('orders.reconcile', run every
 * RECONCILE_INTERVAL_MS for orders pending longer than RECONCILE_AFTER_MS) asks Stripe about pending orders and
 * fulfils this one within a bounded time, once.
 */
const INTERVAL_MS = 1000;
const AFTER_MS = 2000;
const BOUND_MS = 20_000;

const s = new FaultSystem();
before(async () => {
  await s.start({ env: { RECONCILE_INTERVAL_MS: String(INTERVAL_MS), RECONCILE_AFTER_MS: String(AFTER_MS) } });
  s.stripe.deliverWebhooks = false;
});
after(async () => {
  await s.close();
});

it('fulfils a paid order within a bounded time after the API died between payment and fulfilment', async () => {
  const t = s.asTestServer;
  const course = await insertCourse(s.db, { priceCents: 3900 });
  const learner = await registerLearner(s.api);
  const order = await orderCourses(t, learner, [course.id]);
  const intent = await paymentIntentFor(t, learner, order.id);
  await payAtStripe(t, intent.payment_intent_id);
  await s.killApi('SIGKILL');
  const paidAt = Date.now();
  await s.startApi();

  const took = await eventually(
    async () => (await s.db('orders').where({ id: order.id }).first()).status === 'completed',
    BOUND_MS,
    'reconciliation to fulfil the order',
    250,
  );
  console.log(`[reconcile] order fulfilled ${Date.now() - paidAt} ms after the payment (${took} ms after the API restarted)`);
  assert.equal(await countRows(t, 'enrollments', { order_id: order.id }), 1);
  await eventually(async () => storedDocuments(s, 'receipts').length === 1, 30_000, 'the receipt');
  // Another pass of the job changes nothing.
  await new Promise((r) => setTimeout(r, INTERVAL_MS * 2));
  assert.equal(await countRows(t, 'enrollments', { order_id: order.id }), 1);
  assert.equal(await countRows(t, 'outbox', { job_name: 'render-receipt' }), 1);
});
