import type Stripe from 'stripe';
import type { Schemas } from '../schemas';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { withTransaction } from '../db/transaction';
import { isStripeNotFound, providerError } from '../payments/stripe';
import { paymentConfirmationView } from '../presenters/orders';
import { findUserOrder, orderItems, type OrderRow } from '../repositories/orders';
import { ownsCourseOfOrder } from '../repositories/enrollmentGrants';
import { findPaymentByOrder, type PaymentRow, recordPaymentOfPendingOrder } from '../repositories/payments';
import { fulfilOrder } from './fulfilment';

export const orderNotPending = (status: string): AppError =>
  new AppError('ORDER_NOT_PENDING', `This order is not awaiting payment (status ${status})`);

/**
 * True when the PaymentIntent is the one LearnFlow created for this order: recorded on the order (which is the
 * buyer's), carrying the order in its metadata (and its buyer, which LearnFlow always writes: a different one
 * refuses it), for exactly the order's amount and currency.
 */
export function intentMatchesOrder(intent: Stripe.PaymentIntent, order: OrderRow, payment: PaymentRow | undefined): boolean {
  return (
    payment?.stripe_payment_intent_id === intent.id &&
    intent.metadata?.order_id === order.id &&
    (intent.metadata.user_id ?? order.user_id) === order.user_id &&
    intent.amount === order.total_cents &&
    intent.currency === order.currency
  );
}

/**
 * The order's one PaymentIntent, created at Stripe on the first call (the amount always from the order) with
 * an idempotency key derived from the order, so retries and concurrent calls get the same intent.
 */
export async function createPaymentIntent(deps: Deps, userId: string, orderId: string): Promise<Schemas['PaymentIntent']> {
  const order = await findUserOrder(deps.db, userId, orderId);
  if (!order) throw new AppError('ORDER_NOT_FOUND');
  if (order.status !== 'pending') {
    if (order.total_cents === 0 && order.status === 'completed') {
      throw new AppError('ORDER_NOT_PENDING', 'This order was free (coupons): it was completed without a payment');
    }
    throw orderNotPending(order.status);
  }
  let payment = await findPaymentByOrder(deps.db, order.id);
  if (!payment) {
    // A replaced order whose payment still went through may already have granted some of these courses:
    // never ask the learner to pay for a course they own.
    if (await ownsCourseOfOrder(deps.db, userId, order.id)) {
      throw new AppError('ALREADY_ENROLLED', 'You already own a course of this order; create a new order from your cart');
    }
    let intent: Stripe.PaymentIntent;
    try {
      intent = await deps.stripe.paymentIntents.create(
        {
          amount: order.total_cents,
          currency: order.currency,
          payment_method_types: ['card'],
          description: `LearnFlow order ${order.order_number}`,
          metadata: { order_id: order.id, user_id: order.user_id, order_number: order.order_number },
        },
        { idempotencyKey: `payment-intent-${order.id}` },
      );
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, orderId: order.id }, 'Stripe refused or failed to create a PaymentIntent');
      throw providerError(err);
    }
    // Recorded under the order's lock, re-checking that it is still pending: create-from-cart may have replaced
    // (cancelled) it while Stripe answered. Either it sees this payment row and cancels the intent, or this
    // statement sees the cancelled order and the intent is cancelled here; an intent of a cancelled order never
    // reaches the client.
    const recorded = await recordPaymentOfPendingOrder(deps.db, {
      orderId: order.id,
      userId,
      paymentIntentId: intent.id,
      amountCents: intent.amount,
      currency: intent.currency,
      status: intent.status,
      clientSecret: intent.client_secret as string,
    });
    // Nothing recorded: the order left pending meanwhile, or a concurrent call recorded the same intent first
    // (same idempotency key), whose row is then the one to answer.
    payment = recorded ?? (await recordedMeanwhile(deps, order, userId, intent.id));
  }
  return {
    client_secret: payment.client_secret,
    publishable_key: deps.config.stripe.publishableKey,
    amount: payment.amount_cents,
    currency: payment.currency as Schemas['OrderCurrency'],
    order_id: order.id,
    payment_intent_id: payment.stripe_payment_intent_id,
  };
}

/** The payment a concurrent call recorded for the still pending order; otherwise the intent is cancelled and 409. */
async function recordedMeanwhile(deps: Deps, order: OrderRow, userId: string, intentId: string): Promise<PaymentRow> {
  const status = (await findUserOrder(deps.db, userId, order.id))?.status ?? 'cancelled';
  const payment = status === 'pending' ? await findPaymentByOrder(deps.db, order.id) : undefined;
  if (payment) return payment;
  await deps.stripe.paymentIntents
    .cancel(intentId, { cancellation_reason: 'abandoned' }, { maxNetworkRetries: 0 })
    .catch((err: Error) => deps.log.warn({ err: err.message, orderId: order.id }, 'could not cancel the intent of a replaced order'));
  throw orderNotPending(status);
}

async function retrieveIntent(deps: Deps, paymentIntentId: string): Promise<Stripe.PaymentIntent> {
  try {
    return await deps.stripe.paymentIntents.retrieve(paymentIntentId);
  } catch (err) {
    if (isStripeNotFound(err)) throw new AppError('PAYMENT_NOT_FOUND');
    deps.log.warn({ err: (err as Error).message }, 'could not retrieve a PaymentIntent from Stripe');
    throw providerError(err);
  }
}

/**
 * The client says the payment succeeded; Stripe is asked. Only a succeeded intent that is this order's own
 * fulfils it, through the same function as the webhook, so whichever comes first does it once.
 */
export async function confirmPayment(
  deps: Deps,
  userId: string,
  input: { order_id: string; payment_intent_id: string },
): Promise<Schemas['PaymentConfirmation']> {
  const intentId = input.payment_intent_id.split('_secret_')[0] as string;
  const order = await findUserOrder(deps.db, userId, input.order_id);
  if (!order) throw new AppError('ORDER_NOT_FOUND');
  const intent = await retrieveIntent(deps, intentId);
  if (!intentMatchesOrder(intent, order, await findPaymentByOrder(deps.db, order.id))) {
    throw new AppError('PAYMENT_MISMATCH');
  }
  if (intent.status !== 'succeeded') {
    if (order.status === 'pending') throw new AppError('PAYMENT_NOT_SUCCEEDED', `The payment has not succeeded (status: ${intent.status})`);
    throw orderNotPending(order.status);
  }
  const { order: after } = await withTransaction(deps.db, (trx) => fulfilOrder(trx, order.id));
  if (after.status !== 'completed') throw orderNotPending(after.status);
  return paymentConfirmationView(deps.config.publicBaseUrl, after, await orderItems(deps.db, [after.id]));
}
