import type { Knex } from 'knex';
import { enqueueJob } from '../jobs/outbox';
import { deleteCartCourses } from '../repositories/cart';
import { redeemReservations } from '../repositories/couponRedemptions';
import { grantEnrollments } from '../repositories/enrollmentGrants';
import { completeOrder, findOrder, orderItems, type OrderRow } from '../repositories/orders';
import { updatePaymentStatus } from '../repositories/payments';
import { recomputeRatingsOfReviewer } from '../repositories/reviews';
import { enqueueOrderInsights } from './insightAggregates';

export interface Fulfilment {
  /** The order as it is after the call: completed, or whatever state made completing it impossible (refunded). */
  order: OrderRow;
  /** True only for the one call that completed the order (and so enrolled and queued the receipt). */
  fulfilledNow: boolean;
}

/**
 * The one way a paid order is fulfilled, used by confirm-payment and by the payment_intent.succeeded webhook.
 * Idempotent under any concurrency: the compare-and-set on the order's status lets exactly one transaction
 * through, and only that one enrolls, empties the cart of the bought courses and writes the jobs (one receipt,
 * the stats recomputes). The unique (user_id, course_id) of enrollments backs the one enrollment per course.
 * The caller has checked that the PaymentIntent succeeded and matches the order.
 */
export async function fulfilOrder(trx: Knex.Transaction, orderId: string): Promise<Fulfilment> {
  const order = await completeOrder(trx, orderId);
  if (!order) return { order: (await findOrder(trx, orderId)) as OrderRow, fulfilledNow: false };

  await updatePaymentStatus(trx, order.id, 'succeeded', true);
  // Coupon uses are counted at payment: the order's reservations become redemptions.
  await redeemReservations(trx, order.id);
  const items = await orderItems(trx, [order.id]);
  const courseIds = items.map((i) => i.course_id);
  await grantEnrollments(trx, {
    userId: order.user_id,
    source: 'purchase',
    orderId: order.id,
    courses: items.map((i) => ({ id: i.course_id, lessonCount: i.lesson_count })),
  });
  // The cart row itself is not touched: create-from-cart holds it while it cancels orders, and locking it here
  // after the order would let the two deadlock.
  await deleteCartCourses(trx, order.user_id, courseIds);
  // Bought again after a refund: the learner's old review of the course counts again.
  await recomputeRatingsOfReviewer(trx, order.user_id, courseIds);
  await enqueueJob(trx, 'render-receipt', { orderId: order.id });
  for (const courseId of courseIds) await enqueueJob(trx, 'recompute-course-stats', { courseId });
  await enqueueJob(trx, 'recompute-learner-stats', { userId: order.user_id });
  await enqueueOrderInsights(trx, order.id, courseIds);
  return { order, fulfilledNow: true };
}
