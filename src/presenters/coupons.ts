import type { Schemas } from '../schemas';
import { centsToAmount } from '../money';
import type { CouponRow } from '../repositories/coupons';
import type { RedemptionRow } from '../repositories/couponRedemptions';
import { couponStatus, type CouponTerms } from '../services/couponRules';

export const couponKind = (c: CouponTerms): Schemas['CouponKind'] => (c.percent_off !== null ? 'percent' : 'fixed_price');

export function couponView(row: CouponRow, now: Date): Schemas['Coupon'] {
  return {
    id: row.id,
    course: { id: row.course_id, title: row.course_title },
    code: row.code,
    kind: couponKind(row),
    percent_off: row.percent_off,
    fixed_price: row.fixed_price_cents === null ? null : centsToAmount(row.fixed_price_cents),
    starts_at: row.starts_at.toISOString(),
    ends_at: row.ends_at.toISOString(),
    max_redemptions: row.max_redemptions,
    redemptions_count: row.redeemed_count,
    reserved_count: Math.max(row.uses_count - row.redeemed_count, 0),
    is_active: row.is_active,
    status: couponStatus(row, now),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The learner is named by first name and last initial: the instructor needs to recognise a sale, not a person. */
export function redemptionView(row: RedemptionRow): Schemas['CouponRedemption'] {
  return {
    id: row.id,
    order_number: row.order_number,
    learner_name: `${row.first_name} ${row.last_name.slice(0, 1)}.`.trim(),
    discount: centsToAmount(row.discount_cents),
    status: row.status,
    created_at: row.created_at.toISOString(),
    redeemed_at: row.redeemed_at ? row.redeemed_at.toISOString() : null,
    released_at: row.released_at ? row.released_at.toISOString() : null,
  };
}
