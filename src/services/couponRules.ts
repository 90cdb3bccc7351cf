import type { ErrorCode } from '../errors';

/** Stripe's minimum charge in USD cents: a paid line never costs less, a free one costs 0. */
export const MIN_CHARGE_CENTS = 50;

export interface CouponTerms {
  percent_off: number | null;
  fixed_price_cents: number | null;
}

export interface CouponState extends CouponTerms {
  is_active: boolean;
  starts_at: Date;
  ends_at: Date;
  max_redemptions: number | null;
  uses_count: number;
}

/**
 * What the coupon takes off a price, in cents. percent: round(price × percent / 100); fixed price: the learner
 * pays min(fixed, price). What is left is never 1-49 cents (Stripe refuses such a charge): it is raised to 50
 * (or to the price itself when that is lower), and 0 stays 0, a free course.
 */
export function couponDiscountCents(priceCents: number, coupon: CouponTerms): number {
  let pays =
    coupon.percent_off !== null
      ? priceCents - Math.round((priceCents * coupon.percent_off) / 100)
      : Math.min(coupon.fixed_price_cents ?? priceCents, priceCents);
  if (pays > 0 && pays < MIN_CHARGE_CENTS) pays = Math.min(MIN_CHARGE_CENTS, priceCents);
  return priceCents - pays;
}

export type CouponRefusal = Extract<ErrorCode, 'COUPON_INACTIVE' | 'COUPON_NOT_STARTED' | 'COUPON_EXPIRED' | 'COUPON_EXHAUSTED'>;

/** Why the coupon cannot be used now, in the order the contract lists the reasons; undefined when it can. */
export function couponRefusal(coupon: CouponState, now: Date): CouponRefusal | undefined {
  if (!coupon.is_active) return 'COUPON_INACTIVE';
  if (now < coupon.starts_at) return 'COUPON_NOT_STARTED';
  if (now >= coupon.ends_at) return 'COUPON_EXPIRED';
  if (coupon.max_redemptions !== null && coupon.uses_count >= coupon.max_redemptions) return 'COUPON_EXHAUSTED';
  return undefined;
}

/** The status the contract shows an instructor, derived from the same reasons. */
export function couponStatus(coupon: CouponState, now: Date): 'active' | 'scheduled' | 'expired' | 'exhausted' | 'inactive' {
  const refusal = couponRefusal(coupon, now);
  if (refusal === 'COUPON_INACTIVE') return 'inactive';
  if (refusal === 'COUPON_NOT_STARTED') return 'scheduled';
  if (refusal === 'COUPON_EXPIRED') return 'expired';
  if (refusal === 'COUPON_EXHAUSTED') return 'exhausted';
  return 'active';
}
