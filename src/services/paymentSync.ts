import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { Deps } from '../deps';
import { isStripeNotFound, providerError } from '../payments/stripe';
import { failOrder, lockOrder, type OrderRow } from '../repositories/orders';
import { releaseReservations } from '../repositories/couponRedemptions';
import { findPaymentByIntent, type PaymentRow, updatePaymentStatus } from '../repositories/payments';
import { fulfilOrder } from './fulfilment';
import { intentMatchesOrder } from './payments';

type Log = Deps['log'];

/** What bringing an order in line with its PaymentIntent did. */
export type SyncOutcome = 'unknown' | 'mismatch' | 'fulfilled' | 'already-done' | 'failed' | 'unchanged';

/** The order a PaymentIntent pays, locked, with its payment row; undefined for intents LearnFlow does not know. */
export async function orderOfIntent(
  trx: Knex.Transaction,
  intentId: string,
): Promise<{ order: OrderRow; payment: PaymentRow } | undefined> {
  const payment = await findPaymentByIntent(trx, intentId);
  if (!payment) return undefined;
  const order = await lockOrder(trx, payment.order_id);
  return order ? { order, payment } : undefined;
}

/**
 * An object as Stripe has it now, never as a message claims it: undefined when Stripe has no such object (a
 * forged id). Stripe being unreachable is a 502, so that a webhook delivery is retried.
 */
async function retrieveFromStripe<T>(
  deps: Pick<Deps, 'log'>,
  what: { name: string; idField: string; id: string },
  retrieve: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await retrieve();
  } catch (err) {
    if (isStripeNotFound(err)) return undefined;
    deps.log.warn({ err: (err as Error).message, [what.idField]: what.id }, `could not retrieve ${what.name} from Stripe`);
    throw providerError(err);
  }
}

export function retrieveIntentFromStripe(deps: Pick<Deps, 'stripe' | 'log'>, id: string): Promise<Stripe.PaymentIntent | undefined> {
  return retrieveFromStripe(deps, { name: 'a PaymentIntent', idField: 'paymentIntentId', id }, () =>
    deps.stripe.paymentIntents.retrieve(id),
  );
}

export function retrieveChargeFromStripe(deps: Pick<Deps, 'stripe' | 'log'>, id: string): Promise<Stripe.Charge | undefined> {
  return retrieveFromStripe(deps, { name: 'a charge', idField: 'chargeId', id }, () => deps.stripe.charges.retrieve(id));
}

/** A declined card leaves the intent retryable with its error; a cancelled one is over. Both fail a pending order. */
function intentFailed(intent: Stripe.PaymentIntent): boolean {
  return intent.status === 'canceled' || (intent.status === 'requires_payment_method' && intent.last_payment_error != null);
}

/**
 * Brings the order of a PaymentIntent in line with what Stripe says of it (the caller retrieved the intent from
 * Stripe): succeeded and matching the order (amount, currency, metadata) fulfils it through the one fulfilment
 * path; failed or cancelled fails a pending order; anything else changes nothing. Used by the webhook (whose
 * event is only a hint) and by the reconciliation job, so whichever runs first does it, once.
 */
export async function syncOrderWithIntent(trx: Knex.Transaction, log: Log, intent: Stripe.PaymentIntent): Promise<SyncOutcome> {
  const found = await orderOfIntent(trx, intent.id);
  if (!found) return 'unknown';
  if (!intentMatchesOrder(intent, found.order, found.payment)) {
    log.error({ paymentIntentId: intent.id, orderId: found.order.id }, 'PaymentIntent does not match its order: nothing done');
    return 'mismatch';
  }
  if (intent.status === 'succeeded') {
    const { fulfilledNow, order } = await fulfilOrder(trx, found.order.id);
    log.info({ orderId: order.id, fulfilledNow, status: order.status }, 'succeeded PaymentIntent handled');
    return fulfilledNow ? 'fulfilled' : 'already-done';
  }
  if (intentFailed(intent) && (await failOrder(trx, found.order.id))) {
    await updatePaymentStatus(trx, found.order.id, intent.status);
    // A failed order gives its coupon uses back (paid later on a retry, fulfilment takes them again).
    await releaseReservations(trx, [found.order.id]);
    return 'failed';
  }
  return 'unchanged';
}
