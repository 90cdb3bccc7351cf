import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import type { PageRequest } from '../pagination';

export interface RedemptionRow {
  id: string;
  order_number: string;
  first_name: string;
  last_name: string;
  discount_cents: number;
  status: 'reserved' | 'redeemed' | 'released';
  created_at: Date;
  redeemed_at: Date | null;
  released_at: Date | null;
}

/**
 * Takes one use of the coupon if one is left: a compare-and-set on the counter, so concurrent orders queue on
 * the coupon's row and each sees the count the previous one left. False when the coupon is used up.
 */
export async function takeCouponUse(trx: Knex.Transaction, couponId: string): Promise<boolean> {
  const taken = await trx('coupons')
    .where({ id: couponId })
    .andWhere((q) => q.whereNull('max_redemptions').orWhere('uses_count', '<', trx.ref('max_redemptions')))
    .increment('uses_count', 1);
  return taken === 1;
}

export async function insertReservation(
  trx: Knex.Transaction,
  r: { couponId: string; orderId: string; userId: string; discountCents: number },
): Promise<void> {
  await trx('coupon_redemptions').insert({
    coupon_id: r.couponId,
    order_id: r.orderId,
    user_id: r.userId,
    discount_cents: r.discountCents,
  });
}

/** Gives back one use per coupon of the rows, in coupon id order (two releases never wait on each other in a cycle). */
async function giveBackUses(trx: Knex.Transaction, couponIds: string[]): Promise<void> {
  for (const couponId of [...couponIds].sort()) {
    await trx('coupons').where({ id: couponId }).andWhere('uses_count', '>', 0).decrement('uses_count', 1);
  }
}

/** reserved → released for these orders, each giving its use back; returns how many were released. */
export async function releaseReservations(trx: Knex.Transaction, orderIds: string[]): Promise<number> {
  if (orderIds.length === 0) return 0;
  const rows = (await trx('coupon_redemptions')
    .whereIn('order_id', orderIds)
    .where({ status: 'reserved' })
    .update({ status: 'released', released_at: trx.fn.now() })
    .returning('coupon_id')) as Array<{ coupon_id: string }>;
  await giveBackUses(
    trx,
    rows.map((r) => r.coupon_id),
  );
  return rows.length;
}

/**
 * The order is paid: its reservations become redemptions. One released meanwhile (the order was replaced or
 * failed, then paid anyway) takes its use again without the limit check: the learner paid that price.
 */
export async function redeemReservations(trx: Knex.Transaction, orderId: string): Promise<void> {
  const released = (await trx('coupon_redemptions').where({ order_id: orderId, status: 'released' }).select('coupon_id')) as Array<{
    coupon_id: string;
  }>;
  for (const { coupon_id } of released) await trx('coupons').where({ id: coupon_id }).increment('uses_count', 1);
  await trx('coupon_redemptions')
    .where({ order_id: orderId })
    .whereIn('status', ['reserved', 'released'])
    .update({ status: 'redeemed', redeemed_at: trx.fn.now(), released_at: null });
}

export async function listRedemptions(db: Db, couponId: string, page: PageRequest): Promise<{ rows: RedemptionRow[]; count: number }> {
  const [rows, counted] = await Promise.all([
    db('coupon_redemptions as r')
      .join('orders as o', 'o.id', 'r.order_id')
      .join('users as u', 'u.id', 'r.user_id')
      .where('r.coupon_id', couponId)
      .select(
        'r.id',
        'o.order_number',
        'u.first_name',
        'u.last_name',
        'r.discount_cents',
        'r.status',
        'r.created_at',
        'r.redeemed_at',
        'r.released_at',
      )
      .orderBy([
        { column: 'r.created_at', order: 'desc' },
        { column: 'r.id', order: 'desc' },
      ])
      .limit(page.pageSize)
      .offset(page.offset) as Promise<RedemptionRow[]>,
    db('coupon_redemptions').where({ coupon_id: couponId }).count({ n: '*' }) as Promise<Array<{ n: number }>>,
  ]);
  return { rows, count: Number(counted[0]?.n ?? 0) };
}

/** Pending orders holding a reservation taken more than `olderThanMs` ago, oldest first. */
export async function expiredHolds(db: Db, olderThanMs: number, limit: number): Promise<string[]> {
  const rows = (await db('coupon_redemptions as r')
    .join('orders as o', 'o.id', 'r.order_id')
    .where({ 'r.status': 'reserved', 'o.status': 'pending' })
    .where('r.created_at', '<=', db.raw('now() - make_interval(secs => ?)', [olderThanMs / 1000]))
    .groupBy('o.id', 'o.created_at')
    .orderBy('o.created_at')
    .limit(limit)
    .select('o.id')) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}
