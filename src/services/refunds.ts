import type { Knex } from 'knex';
import type Stripe from 'stripe';
import type { components } from '../generated/api';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { withTransaction } from '../db/transaction';
import { enqueueJob } from '../jobs/outbox';
import { providerError } from '../payments/stripe';
import { refundOrderEnrollments } from '../repositories/enrollmentGrants';
import { lockOrderEnrollments } from '../repositories/enrollments';
import { lockOrder, type OrderRow, refundOrder } from '../repositories/orders';
import { findPaymentByOrder } from '../repositories/payments';
import { insertRefund, orderConsumption, type RefundRow } from '../repositories/refunds';
import { recomputeRatingsOfReviewer } from '../repositories/reviews';
import { enqueueOrderInsights } from './insightAggregates';
import { getOrder } from './orders';

const REFUND_WINDOW_DAYS = 30;
const CONSUMED_LIMIT_PERCENT = 30;

const notAllowed = (reason: string): AppError => new AppError('REFUND_NOT_ALLOWED', undefined, { reason: [reason] });

/**
 * completed → refunded with its refund row, the order's enrollments refunded (access lost, progress kept, the
 * learner's reviews of them hidden), and the stats recomputed. Used by a learner's request and by a refund Stripe
 * reports (e.g. from its dashboard).
 */
export async function applyRefund(
  trx: Knex.Transaction,
  order: OrderRow,
  refund: { stripeRefundId: string | null; amountCents: number; status: RefundRow['status']; reason: string | null },
): Promise<boolean> {
  if (!(await refundOrder(trx, order.id))) return false;
  await insertRefund(trx, { orderId: order.id, currency: order.currency, ...refund });
  const courseIds = await refundOrderEnrollments(trx, order.id);
  // A review belongs to an active enrollment: the learner's reviews of these courses leave the figures now.
  await recomputeRatingsOfReviewer(trx, order.user_id, courseIds);
  for (const courseId of courseIds) await enqueueJob(trx, 'recompute-course-stats', { courseId });
  await enqueueJob(trx, 'recompute-learner-stats', { userId: order.user_id });
  await enqueueOrderInsights(trx, order.id, courseIds);
  return true;
}

/** The policy: completed, within 30 days, and no course of the order 30% or more consumed. */
async function assertRefundable(trx: Knex.Transaction, order: OrderRow): Promise<void> {
  if (order.status === 'refunded') throw notAllowed('This order has already been refunded.');
  if (order.status !== 'completed' || !order.completed_at) throw notAllowed('Only completed orders can be refunded.');
  if (Date.now() - order.completed_at.getTime() > REFUND_WINDOW_DAYS * 86_400_000) {
    throw notAllowed(`Orders can be refunded within ${REFUND_WINDOW_DAYS} days of purchase.`);
  }
  // Lock the order's enrollments first: progress updates lock the enrollment row too, so none can commit between
  // this check and the refund (a learner at 29% cannot race past 30% while being refunded).
  await lockOrderEnrollments(trx, order.user_id, order.id);
  for (const course of await orderConsumption(trx, order)) {
    const watchedEnough = course.total_seconds > 0 && course.watched_seconds * 100 >= CONSUMED_LIMIT_PERCENT * course.total_seconds;
    if (course.progress_percent >= CONSUMED_LIMIT_PERCENT || watchedEnough) {
      throw notAllowed(`You have consumed ${CONSUMED_LIMIT_PERCENT}% or more of ${course.title}.`);
    }
  }
}

/**
 * Refunds the whole order through Stripe. The order stays locked during the Stripe call, so a concurrent
 * request waits and then finds it refunded, and the charge.refunded webhook waits for this to commit. The
 * idempotency key is derived from the order: a retry after a lost answer never refunds twice. If Stripe
 * fails, the transaction rolls back and nothing has changed.
 */
export async function requestRefund(
  deps: Deps,
  userId: string,
  orderId: string,
  reason: string | undefined,
): Promise<components['schemas']['Order']> {
  await withTransaction(deps.db, async (trx) => {
    const order = await lockOrder(trx, orderId, userId);
    if (!order) throw new AppError('ORDER_NOT_FOUND');
    await assertRefundable(trx, order);
    const payment = await findPaymentByOrder(trx, order.id);
    if (!payment) throw notAllowed('This order has no card payment to refund.');
    let refund: Stripe.Refund;
    try {
      refund = await deps.stripe.refunds.create(
        { payment_intent: payment.stripe_payment_intent_id, reason: 'requested_by_customer', metadata: { order_id: order.id } },
        { idempotencyKey: `refund-${order.id}` },
      );
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, orderId: order.id }, 'Stripe refused or failed a refund');
      throw providerError(err, 'The payment provider could not process the refund. Please try again later.');
    }
    // Pending until Stripe confirms it with charge.refunded.
    await applyRefund(trx, order, {
      stripeRefundId: refund.id,
      amountCents: refund.amount,
      status: 'pending',
      reason: reason?.trim() || null,
    });
  });
  return getOrder(deps, userId, orderId);
}
