import type { components } from '../generated/api';
import { centsToAmount } from '../money';
import type { WishlistLineRow } from '../repositories/wishlist';
import { shownRating } from './courses';

export function wishlistItemView(line: WishlistLineRow): components['schemas']['WishlistItem'] {
  return {
    id: line.id,
    course: {
      id: line.course_id,
      title: line.title,
      slug: line.slug,
      price: centsToAmount(line.price_cents ?? 0),
      original_price: line.original_price_cents === null ? null : centsToAmount(line.original_price_cents),
      thumbnail: line.thumbnail,
      rating: shownRating(line),
      level: line.level,
    },
    added_at: line.added_at.toISOString(),
  };
}
