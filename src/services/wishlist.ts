import type { Schemas } from '../schemas';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { withTransaction } from '../db/transaction';
import { cartItemView } from '../presenters/cart';
import { wishlistItemView } from '../presenters/wishlist';
import {
  deleteWishlistItem,
  findWishlistLine,
  insertWishlistItem,
  lockWishlistItem,
  type WishlistLineRow,
  wishlistLines,
} from '../repositories/wishlist';
import { putCourseInCart, requirePublishedCourse } from './cart';

export async function listWishlist(deps: Deps, userId: string): Promise<Schemas['WishlistList']> {
  const results = (await wishlistLines(deps.db, userId)).map(wishlistItemView);
  return { results, count: results.length };
}

export async function addWishlistItem(deps: Deps, userId: string, courseId: string): Promise<Schemas['WishlistItem']> {
  const course = await requirePublishedCourse(deps.db, courseId);
  const itemId = await insertWishlistItem(deps.db, userId, course.id);
  if (!itemId) throw new AppError('ITEM_ALREADY_IN_WISHLIST');
  // Read after the insert commits: the course may have been unpublished in between.
  const line = await findWishlistLine(deps.db, itemId);
  if (!line) throw new AppError('COURSE_NOT_FOUND');
  return wishlistItemView(line as WishlistLineRow);
}

export async function removeWishlistItem(deps: Deps, userId: string, itemId: string): Promise<void> {
  if ((await deleteWishlistItem(deps.db, userId, itemId)) === 0) throw new AppError('WISHLIST_ITEM_NOT_FOUND');
}

/** One transaction: any rule of the cart that refuses the course leaves the wishlist item where it was. */
export async function moveWishlistItemToCart(deps: Deps, userId: string, itemId: string): Promise<Schemas['CartItem']> {
  const line = await withTransaction(deps.db, async (trx) => {
    const item = await lockWishlistItem(trx, userId, itemId);
    if (!item) throw new AppError('WISHLIST_ITEM_NOT_FOUND');
    const added = await putCourseInCart(trx, userId, item.course_id);
    await deleteWishlistItem(trx, userId, item.id);
    return added;
  });
  return cartItemView(line);
}
