import type { Schemas } from '../schemas';
import { centsToAmount } from '../money';
import type { CartLineRow, CartRow } from '../repositories/cart';

export function cartItemView(line: CartLineRow): Schemas['CartItem'] {
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
  };
}

/** Totals are summed in integer cents; an item not on sale counts its price as its original price. */
export function cartView(cart: CartRow, lines: CartLineRow[]): Schemas['Cart'] {
  let priceCents = 0;
  let originalCents = 0;
  for (const line of lines) {
    const price = line.price_cents ?? 0;
    priceCents += price;
    originalCents += Math.max(line.original_price_cents ?? price, price);
  }
  return {
    id: cart.id,
    items: lines.map(cartItemView),
    total_items: lines.length,
    total_price: centsToAmount(priceCents),
    total_original_price: centsToAmount(originalCents),
    total_discount: centsToAmount(originalCents - priceCents),
    updated_at: cart.updated_at.toISOString(),
  };
}
