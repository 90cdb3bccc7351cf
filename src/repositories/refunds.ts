import type { Knex } from 'knex';
import type { Db } from '../db/knex';

export interface RefundRow {
  id: string;
  order_id: string;
  stripe_refund_id: string | null;
  amount_cents: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string | null;
  created_at: Date;
}

export function refundsOfOrders(db: Db, orderIds: string[]): Promise<RefundRow[]> {
  if (orderIds.length === 0) return Promise.resolve([]);
  return db('refunds').whereIn('order_id', orderIds);
}

/** The order's refund (one per order: refunds.order_id is unique); an existing one is left as it is. */
export async function insertRefund(
  trx: Knex.Transaction,
  refund: {
    orderId: string;
    stripeRefundId: string | null;
    amountCents: number;
    currency: string;
    status: RefundRow['status'];
    reason: string | null;
  },
): Promise<void> {
  await trx('refunds')
    .insert({
      order_id: refund.orderId,
      stripe_refund_id: refund.stripeRefundId,
      amount_cents: refund.amountCents,
      currency: refund.currency,
      status: refund.status,
      reason: refund.reason,
    })
    .onConflict('order_id')
    .ignore();
}

/** Stripe confirmed the refund (charge.refunded). */
export async function markRefundSucceeded(trx: Knex.Transaction, orderId: string, stripeRefundId: string | null): Promise<number> {
  return trx('refunds')
    .where({ order_id: orderId })
    .update({ status: 'succeeded', stripe_refund_id: trx.raw('coalesce(stripe_refund_id, ?)', [stripeRefundId]) });
}

/** How much of each course of the order the buyer has consumed, in the two measures the refund policy uses. */
export interface ConsumptionRow {
  title: string;
  progress_percent: number;
  watched_seconds: number;
  total_seconds: number;
}

export async function orderConsumption(db: Db, order: { id: string; user_id: string }): Promise<ConsumptionRow[]> {
  // Watch time counts at most each lesson's length, so replaying one lesson cannot exceed it.
  const result = await db.raw(
    `SELECT c.title, e.progress_percent,
            (SELECT coalesce(sum(least(lp.watch_time_seconds, l.duration_minutes * 60)), 0)::int
               FROM lesson_progress lp JOIN lessons l ON l.id = lp.lesson_id
              WHERE lp.enrollment_id = e.id) AS watched_seconds,
            (SELECT coalesce(sum(l.duration_minutes), 0)::int * 60 FROM lessons l WHERE l.course_id = e.course_id) AS total_seconds
       FROM order_items oi
       JOIN courses c ON c.id = oi.course_id
       JOIN enrollments e ON e.user_id = ? AND e.course_id = oi.course_id
      WHERE oi.order_id = ?
      ORDER BY oi.position`,
    [order.user_id, order.id],
  );
  return result.rows as ConsumptionRow[];
}
