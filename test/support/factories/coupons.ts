import type { Knex } from 'knex';

export interface CouponOptions {
  code?: string;
  percentOff?: number | null;
  fixedPriceCents?: number | null;
  startsAt?: Date;
  endsAt?: Date;
  maxRedemptions?: number | null;
  isActive?: boolean;
}

let sequence = 0;

/** A coupon row of the course (25% off, running from yesterday for 30 days, no limit unless told). */
export async function insertCoupon(db: Knex, courseId: string, opts: CouponOptions = {}): Promise<{ id: string; code: string }> {
  const code = opts.code ?? `TEST${process.pid}X${++sequence}`;
  const percentOff = opts.fixedPriceCents !== undefined && opts.fixedPriceCents !== null ? null : (opts.percentOff ?? 25);
  const [row] = await db('coupons')
    .insert({
      course_id: courseId,
      code,
      percent_off: percentOff,
      fixed_price_cents: percentOff === null ? opts.fixedPriceCents : null,
      starts_at: opts.startsAt ?? new Date(Date.now() - 86_400_000),
      ends_at: opts.endsAt ?? new Date(Date.now() + 30 * 86_400_000),
      max_redemptions: opts.maxRedemptions ?? null,
      is_active: opts.isActive ?? true,
    })
    .returning('id');
  return { id: (row as { id: string }).id, code };
}

/** Puts the coupon on the user's cart line of its course (the cart item must exist). */
export async function applyCouponRow(db: Knex, userId: string, courseId: string, couponId: string): Promise<void> {
  const item = await db('cart_items as ci')
    .join('carts as c', 'c.id', 'ci.cart_id')
    .where({ 'c.user_id': userId, 'ci.course_id': courseId })
    .first('ci.id');
  await db('cart_coupons').insert({ cart_item_id: item.id, coupon_id: couponId });
}
