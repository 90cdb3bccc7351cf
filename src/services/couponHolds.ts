import type { Knex } from 'knex';
import type Stripe from 'stripe';
import { withTransaction } from '../db/transaction';
import type { Logger } from '../logger';
import { expiredHolds, releaseReservations } from '../repositories/couponRedemptions';
import { cancelPendingOrder, lockOrder } from '../repositories/orders';
import { findPaymentByOrder } from '../repositories/payments';
import { retrieveIntentFromStripe, syncOrderWithIntent } from './paymentSync';

/**
 * How long an order awaiting payment keeps its coupon uses. After that an abandoned checkout would keep a
 * limited coupon from other learners for ever; an hour is far longer than any card payment takes.
 */
export const COUPON_HOLD_MS = 60 * 60 * 1000;
const BATCH = 100;

/**
 * Expires the coupon holds of orders still pending after `holdMs`: an order without a PaymentIntent is
 * cancelled (and gives its uses back) under its lock, re-checking that no intent was recorded meanwhile; an order
 * with one has its intent cancelled at Stripe, then is brought in line with what Stripe says through the one
 * sync (cancelled: the order fails and releases; paid meanwhile: it is fulfilled and redeems). Returns how many
 * orders gave their uses back. Run by the reconciliation job.
 */
export async function expireCouponHolds(deps: { db: Knex; stripe: Stripe; log: Logger }, holdMs = COUPON_HOLD_MS): Promise<number> {
  let released = 0;
  for (const orderId of await expiredHolds(deps.db, holdMs, BATCH)) {
    try {
      const payment = await findPaymentByOrder(deps.db, orderId);
      if (!payment) {
        const done = await withTransaction(deps.db, async (trx) => {
          const order = await lockOrder(trx, orderId);
          if (order?.status !== 'pending' || (await findPaymentByOrder(trx, orderId))) return false;
          await cancelPendingOrder(trx, orderId);
          return (await releaseReservations(trx, [orderId])) > 0;
        });
        if (done) released++;
        continue;
      }
      await deps.stripe.paymentIntents
        .cancel(payment.stripe_payment_intent_id, { cancellation_reason: 'abandoned' }, { maxNetworkRetries: 0 })
        .catch((err: Error) => deps.log.info({ err: err.message, orderId }, 'the intent of an expired coupon hold could not be cancelled'));
      const intent = await retrieveIntentFromStripe(deps, payment.stripe_payment_intent_id);
      if (intent && (await withTransaction(deps.db, (trx) => syncOrderWithIntent(trx, deps.log, intent))) === 'failed') released++;
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, orderId }, 'could not expire a coupon hold; the next run retries');
    }
  }
  return released;
}
