import type { Schemas } from '../schemas';
import { centsToAmount } from '../money';
import type { CartLineRow, CartRow } from '../repositories/cart';
import { lineCoupon, priceCartLine } from '../services/cartPricing';
import { couponKind } from './coupons';

function appliedCoupon(line: CartLineRow): Schemas['AppliedCoupon'] {
  const coupon = lineCoupon(line);
  if (!coupon) return null;
  return {
    code: coupon.code,
    kind: couponKind(coupon),
    percent_off: coupon.percent_off,
    fixed_price: coupon.fixed_price_cents === null ? null : centsToAmount(coupon.fixed_price_cents),
  };
}

export function cartItemView(line: CartLineRow, now: Date = new Date()): Schemas['CartItem'] {
  const priced = priceCartLine(line, now);
  return {
    id: line.id,
    course: {
      id: line.course_id,
      title: line.title,
      price: centsToAmount(line.price_cents ?? 0),
      original_price: line.original_price_cents === null ? null : centsToAmount(line.original_price_cents),
      thumbnail: line.thumbnail,
    },
    added_at: line.added_at.toISOString(),
    coupon: appliedCoupon(line),
    coupon_discount: centsToAmount(priced.discountCents),
    total: centsToAmount(priced.priceCents - priced.discountCents),
  };
}

/**
 * Totals are summed in integer cents; an item not on sale counts its price as its original price. The coupon
 * discount is apart from `total_discount` (the sale discount), so that field keeps its meaning.
 */
export function cartView(cart: CartRow, lines: CartLineRow[], now: Date = new Date()): Schemas['Cart'] {
  let priceCents = 0;
  let originalCents = 0;
  let couponCents = 0;
  for (const line of lines) {
    const price = line.price_cents ?? 0;
    priceCents += price;
    originalCents += Math.max(line.original_price_cents ?? price, price);
    couponCents += priceCartLine(line, now).discountCents;
  }
  return {
    id: cart.id,
    items: lines.map((line) => cartItemView(line, now)),
    total_items: lines.length,
    total_price: centsToAmount(priceCents),
    total_original_price: centsToAmount(originalCents),
    total_discount: centsToAmount(originalCents - priceCents),
    coupon_discount: centsToAmount(couponCents),
    total: centsToAmount(priceCents - couponCents),
    updated_at: cart.updated_at.toISOString(),
  };
}
