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

/** Records the order's PaymentIntent unless one is recorded already (payments.order_id is unique). */
export async function insertPayment(
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
): Promise<void> {
  await db('payments')
    .insert({
      order_id: payment.orderId,
      user_id: payment.userId,
      stripe_payment_intent_id: payment.paymentIntentId,
      amount_cents: payment.amountCents,
      currency: payment.currency,
      status: payment.status,
      client_secret: payment.clientSecret,
    })
    .onConflict('order_id')
    .ignore();
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
