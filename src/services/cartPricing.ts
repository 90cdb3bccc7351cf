import type { CartLineRow } from '../repositories/cart';
import { type CouponRefusal, type CouponState, couponDiscountCents, couponRefusal } from './couponRules';

export interface PricedLine {
  priceCents: number;
  /** 0 without a coupon, or while the coupon cannot be used. */
  discountCents: number;
  /** Why the line's coupon does not apply now; undefined with no coupon or a usable one. */
  refusal?: CouponRefusal;
}

/** The line's coupon as the rules read it, or null. */
export function lineCoupon(line: CartLineRow): (CouponState & { id: string; code: string }) | null {
  if (line.coupon_id === null || line.coupon_code === null) return null;
  return {
    id: line.coupon_id,
    code: line.coupon_code,
    percent_off: line.percent_off,
    fixed_price_cents: line.fixed_price_cents,
    is_active: line.coupon_is_active ?? false,
    starts_at: line.coupon_starts_at as Date,
    ends_at: line.coupon_ends_at as Date,
    max_redemptions: line.coupon_max_redemptions,
    uses_count: line.coupon_uses_count ?? 0,
  };
}

/** A cart line's price, and the discount its coupon gives now. */
export function priceCartLine(line: CartLineRow, now: Date): PricedLine {
  const priceCents = line.price_cents ?? 0;
  const coupon = lineCoupon(line);
  if (!coupon) return { priceCents, discountCents: 0 };
  const refusal = couponRefusal(coupon, now);
  if (refusal) return { priceCents, discountCents: 0, refusal };
  return { priceCents, discountCents: couponDiscountCents(priceCents, coupon) };
}
