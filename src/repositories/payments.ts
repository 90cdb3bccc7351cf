import type { Knex } from 'knex';
import type { Db } from '../db/knex';

export interface PaymentRow {
  id: string;
  order_id: string;
  user_id: string;
  stripe_payment_intent_id: string;
  amount_cents: number;
  currency: string;
  status: string;
  client_secret: string;
  fulfilled_at: Date | null;
}

export function findPaymentByOrder(db: Db, orderId: string): Promise<PaymentRow | undefined> {
  return db('payments').where({ order_id: orderId }).first();
}

export function findPaymentByIntent(db: Db, paymentIntentId: string): Promise<PaymentRow | undefined> {
  return db('payments').where({ stripe_payment_intent_id: paymentIntentId }).first();
}

export function findPaymentsByOrders(db: Db, orderIds: string[]): Promise<PaymentRow[]> {
  if (orderIds.length === 0) return Promise.resolve([]);
  return db('payments').whereIn('order_id', orderIds);
}

/**
 * Records the order's PaymentIntent if the order is still pending and none is recorded yet (payments.order_id is
 * unique), in one statement that locks the order's row (FOR UPDATE) until it commits: the same order of events
 * against create-from-cart's cancellation as a transaction that locks, checks and inserts, in one round trip
 * instead of four. The new row, or undefined when the order is not pending (any more) or already has one.
 */
export async function recordPaymentOfPendingOrder(
  db: Db,
  payment: {
    orderId: string;
    userId: string;
    paymentIntentId: string;
    amountCents: number;
    currency: string;
    status: string;
    clientSecret: string;
  },
): Promise<PaymentRow | undefined> {
  const { rows } = (await db.raw(
    `INSERT INTO payments (order_id, user_id, stripe_payment_intent_id, amount_cents, currency, status, client_secret)
     SELECT o.id, o.user_id, ?, ?, ?, ?, ? FROM orders o WHERE o.id = ? AND o.user_id = ? AND o.status = 'pending' FOR UPDATE
     ON CONFLICT (order_id) DO NOTHING
     RETURNING *`,
    [payment.paymentIntentId, payment.amountCents, payment.currency, payment.status, payment.clientSecret, payment.orderId, payment.userId],
  )) as { rows: PaymentRow[] };
  return rows[0];
}

/** Stripe's status of the intent; `fulfilled` also stamps fulfilled_at, once. */
export async function updatePaymentStatus(trx: Knex.Transaction, orderId: string, status: string, fulfilled = false): Promise<void> {
  await trx('payments')
    .where({ order_id: orderId })
    .update({ status, ...(fulfilled ? { fulfilled_at: trx.raw('coalesce(fulfilled_at, now())') } : {}) });
}

/**
 * Payments of orders still pending whose intent is older than `olderThanMs` (younger ones are probably being
 * paid right now) but younger than `maxAgeMs`; those checked least recently first.
 */
export function paymentsToReconcile(db: Db, opts: { olderThanMs: number; maxAgeMs: number; limit: number }): Promise<PaymentRow[]> {
  return db({ p: 'payments' })
    .join({ o: 'orders' }, 'o.id', 'p.order_id')
    .where('o.status', 'pending')
    .whereNotNull('p.stripe_payment_intent_id')
    .where('p.created_at', '<=', db.raw(`now() - make_interval(secs => ?)`, [opts.olderThanMs / 1000]))
    .where('p.created_at', '>', db.raw(`now() - make_interval(secs => ?)`, [opts.maxAgeMs / 1000]))
    .orderByRaw('p.reconciled_at ASC NULLS FIRST, p.created_at ASC')
    .limit(opts.limit)
    .select('p.*') as unknown as Promise<PaymentRow[]>;
}

export async function markReconciled(db: Db, paymentId: string): Promise<void> {
  await db('payments').where({ id: paymentId }).update({ reconciled_at: db.fn.now() });
}
