import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { withTransaction } from '../db/transaction';
import { markRefundSucceeded } from '../repositories/refunds';
import { claimStripeEvent } from '../repositories/stripeEvents';
import { orderOfIntent, retrieveChargeFromStripe, retrieveIntentFromStripe, syncOrderWithIntent } from './paymentSync';
import { applyRefund } from './refunds';

/** Stripe's default: a signature older than 5 minutes is refused (replays). */
const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * A refund we asked for is confirmed; a full refund made elsewhere (Stripe's dashboard) refunds the order too.
 * The charge was retrieved from Stripe, and must be the one of the order's own intent, in the order's currency.
 */
async function onChargeRefunded(trx: Knex.Transaction, log: Deps['log'], charge: Stripe.Charge): Promise<void> {
  const intentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
  const found = intentId ? await orderOfIntent(trx, intentId) : undefined;
  if (!found || charge.amount_refunded <= 0) return;
  if (charge.currency !== found.order.currency || charge.amount !== found.order.total_cents) {
    log.error({ chargeId: charge.id, orderId: found.order.id }, 'refunded charge does not match its order: nothing done');
    return;
  }
  const stripeRefundId = charge.refunds?.data[0]?.id ?? null;
  if (found.order.status === 'completed' && charge.refunded) {
    await applyRefund(trx, found.order, {
      stripeRefundId,
      amountCents: charge.amount_refunded,
      status: 'succeeded',
      reason: 'Refunded at Stripe',
    });
  }
  await markRefundSucceeded(trx, found.order.id, stripeRefundId);
}

const INTENT_EVENTS = new Set(['payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.canceled']);

/**
 * The event's object as Stripe has it now. A signed event is only a hint (a leaked secret must not be able to
 * pay an order): its status, amount and metadata are never trusted; undefined when there is nothing to act on.
 */
async function currentObject(deps: Deps, event: Stripe.Event): Promise<Stripe.PaymentIntent | Stripe.Charge | undefined> {
  const id = (event.data.object as { id?: unknown }).id;
  if (typeof id !== 'string' || id === '') return undefined;
  if (INTENT_EVENTS.has(event.type)) return retrieveIntentFromStripe(deps, id);
  if (event.type === 'charge.refunded') return retrieveChargeFromStripe(deps, id);
  return undefined;
}

/**
 * Verifies the signature over the raw bytes before reading anything, retrieves the object it names from Stripe
 * (the event says what to look at, Stripe says what is true), then processes the event once: its id is
 * claimed in the same transaction as its effect, so a redelivery (even concurrent) changes nothing, and a
 * failure rolls the claim back for Stripe's retry. Status changes are compare-and-set, never backwards.
 */
export async function handleStripeWebhook(
  deps: Deps,
  rawBody: Buffer | undefined,
  signature: string | undefined,
): Promise<{ received: true; duplicate: boolean }> {
  let event: Stripe.Event;
  try {
    if (!rawBody || !signature) throw new Error('missing body or signature');
    event = deps.stripe.webhooks.constructEvent(rawBody, signature, deps.config.stripe.webhookSecret, SIGNATURE_TOLERANCE_SECONDS);
  } catch {
    throw new AppError('WEBHOOK_SIGNATURE_INVALID');
  }
  if (typeof event?.id !== 'string' || typeof event.type !== 'string' || typeof event.data?.object !== 'object') {
    throw new AppError('BAD_REQUEST', 'The signed body is not a Stripe event.');
  }
  // Asked before the transaction: no row lock is held while Stripe answers.
  const current = await currentObject(deps, event);
  const claim = { id: event.id, type: event.type, payload: event };
  // Nothing to act on (an event type not handled, e.g. payment_intent.created after every checkout): the claim
  // alone is atomic, so it needs no transaction around it (one round trip instead of three).
  if (current === undefined) return { received: true, duplicate: !(await claimStripeEvent(deps.db, claim)) };
  const duplicate = await withTransaction(deps.db, async (trx) => {
    if (!(await claimStripeEvent(trx, claim))) return true;
    if (current?.object === 'payment_intent') {
      const outcome = await syncOrderWithIntent(trx, deps.log, current);
      deps.log.info({ eventId: event.id, type: event.type, outcome }, 'webhook event handled');
    } else if (current?.object === 'charge') {
      await onChargeRefunded(trx, deps.log, current);
    }
    return false;
  });
  return { received: true, duplicate };
}
