import type { Knex } from 'knex';
import type { Schemas } from '../schemas';
import type { Deps } from '../deps';
import { AppError, validationError } from '../errors';
import { withTransaction } from '../db/transaction';
import { cartItemView, cartView } from '../presenters/cart';
import {
  cartLines,
  type CartLineRow,
  deleteCartCourses,
  deleteCartItem,
  ensureCart,
  insertCartItem,
  touchCart,
  touchOrCreateCart,
} from '../repositories/cart';
import { ownedCourseIds } from '../repositories/enrollmentGrants';
import { findPublishedCourse, isFree, type SellableCourseRow } from '../repositories/sellableCourses';
import type { Db } from '../db/knex';

/** A published course, or 404 COURSE_NOT_FOUND (unknown and unpublished look the same). */
export async function requirePublishedCourse(db: Db, courseId: string): Promise<SellableCourseRow> {
  const course = await findPublishedCourse(db, courseId);
  if (!course) throw new AppError('COURSE_NOT_FOUND');
  return course;
}

export async function getCart(deps: Deps, userId: string): Promise<Schemas['Cart']> {
  const cart = await ensureCart(deps.db, userId);
  return cartView(cart, await cartLines(deps.db, cart.id));
}

/**
 * The rules of putting a course in the cart, in the caller's transaction (adding, and moving from the
 * wishlist): published, not the buyer's own, not free, not owned, not already there (a constraint decides).
 */
export async function putCourseInCart(trx: Knex.Transaction, userId: string, courseId: string): Promise<CartLineRow> {
  const course = await requirePublishedCourse(trx, courseId);
  if (course.instructor_id === userId) throw new AppError('CANNOT_BUY_OWN_COURSE');
  if (isFree(course)) throw validationError({ course_id: ['This course is free; enroll in it directly.'] });
  if ((await ownedCourseIds(trx, userId, [course.id])).size > 0) throw new AppError('ALREADY_ENROLLED');
  // Touched before the insert: a refused insert throws and rolls the touch back with the transaction.
  const cart = await touchOrCreateCart(trx, userId);
  const item = await insertCartItem(trx, cart.id, course.id);
  if (!item) throw new AppError('ITEM_ALREADY_IN_CART');
  return newCartLine(item, course);
}

/**
 * The line of an item just inserted, from the course row read in the same transaction: a new item has no coupon
 * yet (coupons are applied to existing items), so reading it back through the cart line join would add nothing.
 */
function newCartLine(item: { id: string; added_at: Date }, course: SellableCourseRow): CartLineRow {
  return {
    id: item.id,
    added_at: item.added_at,
    course_id: course.id,
    title: course.title,
    price_cents: course.price_cents,
    original_price_cents: course.original_price_cents,
    thumbnail: course.thumbnail,
    lesson_count: course.lesson_count,
    coupon_id: null,
    coupon_code: null,
    percent_off: null,
    fixed_price_cents: null,
    coupon_starts_at: null,
    coupon_ends_at: null,
    coupon_max_redemptions: null,
    coupon_uses_count: null,
    coupon_is_active: null,
  };
}

export async function addCartItem(deps: Deps, userId: string, courseId: string): Promise<Schemas['CartItem']> {
  return cartItemView(await withTransaction(deps.db, (trx) => putCourseInCart(trx, userId, courseId)));
}

export async function removeCartItem(deps: Deps, userId: string, itemId: string): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    if ((await deleteCartItem(trx, userId, itemId)) === 0) throw new AppError('CART_ITEM_NOT_FOUND');
    await touchCart(trx, userId);
  });
}

export async function clearCart(deps: Deps, userId: string): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    await ensureCart(trx, userId);
    await deleteCartCourses(trx, userId);
    await touchCart(trx, userId);
  });
}
