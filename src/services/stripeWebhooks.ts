import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { withTransaction } from '../db/transaction';
import { failOrder, lockOrder, OrderRow } from '../repositories/orders';
import { findPaymentByIntent, PaymentRow, updatePaymentStatus } from '../repositories/payments';
import { markRefundSucceeded } from '../repositories/refunds';
import { claimStripeEvent } from '../repositories/stripeEvents';
import { fulfilOrder } from './fulfilment';
import { intentMatchesOrder } from './payments';
import { applyRefund } from './refunds';

/** Stripe's default: a signature older than 5 minutes is refused (replays). */
const SIGNATURE_TOLERANCE_SECONDS = 300;

type Log = Deps['log'];

/** The order a PaymentIntent pays, with its payment row; undefined for intents LearnFlow does not know. */
async function orderOfIntent(trx: Knex.Transaction, intentId: string): Promise<{ order: OrderRow; payment: PaymentRow } | undefined> {
  const payment = await findPaymentByIntent(trx, intentId);
  if (!payment) return undefined;
  const order = await lockOrder(trx, payment.order_id);
  return order ? { order, payment } : undefined;
}

async function onPaymentSucceeded(trx: Knex.Transaction, log: Log, intent: Stripe.PaymentIntent): Promise<void> {
  const found = await orderOfIntent(trx, intent.id);
  if (!found || !intentMatchesOrder(intent, found.order, found.payment) || intent.status !== 'succeeded') {
    log.error({ paymentIntentId: intent.id }, 'payment_intent.succeeded for no matching order: nothing fulfilled');
    return;
  }
  const { fulfilledNow, order } = await fulfilOrder(trx, found.order.id);
  log.info({ orderId: order.id, fulfilledNow, status: order.status }, 'payment_intent.succeeded handled');
}

async function onPaymentFailed(trx: Knex.Transaction, intent: Stripe.PaymentIntent): Promise<void> {
  const found = await orderOfIntent(trx, intent.id);
  if (found && (await failOrder(trx, found.order.id))) await updatePaymentStatus(trx, found.order.id, intent.status);
}

/** A refund we asked for is confirmed; a full refund made elsewhere (Stripe's dashboard) refunds the order too. */
async function onChargeRefunded(trx: Knex.Transaction, charge: Stripe.Charge): Promise<void> {
  const intentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
  const found = intentId ? await orderOfIntent(trx, intentId) : undefined;
  if (!found) return;
  const stripeRefundId = charge.refunds?.data[0]?.id ?? null;
  if (found.order.status === 'completed' && charge.refunded) {
    await applyRefund(trx, found.order, { stripeRefundId, amountCents: charge.amount_refunded, status: 'succeeded', reason: 'Refunded at Stripe' });
  }
  await markRefundSucceeded(trx, found.order.id, stripeRefundId);
}

/**
 * Verifies the signature over the raw bytes before reading anything, then processes the event once: its id is
 * claimed in the same transaction as its effect, so a redelivery (even concurrent) changes nothing, and a
 * failure rolls the claim back for Stripe's retry. Status changes are compare-and-set, never backwards.
 */
export async function handleStripeWebhook(deps: Deps, rawBody: Buffer | undefined, signature: string | undefined): Promise<{ received: true; duplicate: boolean }> {
  let event: Stripe.Event;
  try {
    if (!rawBody || !signature) throw new Error('missing body or signature');
    event = deps.stripe.webhooks.constructEvent(rawBody, signature, deps.config.stripe.webhookSecret, SIGNATURE_TOLERANCE_SECONDS);
  } catch {
    throw new AppError('WEBHOOK_SIGNATURE_INVALID', 'Invalid Stripe signature');
  }
  if (typeof event?.id !== 'string' || typeof event.type !== 'string' || typeof event.data?.object !== 'object') {
    throw new AppError('BAD_REQUEST', 'The signed body is not a Stripe event.');
  }
  const duplicate = await withTransaction(deps.db, async (trx) => {
    if (!(await claimStripeEvent(trx, { id: event.id, type: event.type, payload: event }))) return true;
    switch (event.type) {
      case 'payment_intent.succeeded':
        await onPaymentSucceeded(trx, deps.log, event.data.object);
        break;
      case 'payment_intent.payment_failed':
        await onPaymentFailed(trx, event.data.object);
        break;
      case 'charge.refunded':
        await onChargeRefunded(trx, event.data.object);
        break;
      default:
        break;
    }
    return false;
  });
  return { received: true, duplicate };
}
