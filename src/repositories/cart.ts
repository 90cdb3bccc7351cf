import type { Knex } from 'knex';
import type { Db } from '../db/knex';

export interface CartRow {
  id: string;
  user_id: string;
  updated_at: Date;
}

/** A cart item with its course at the current catalog price. */
export interface CartLineRow {
  id: string;
  added_at: Date;
  course_id: string;
  title: string;
  price_cents: number | null;
  original_price_cents: number | null;
  thumbnail: string | null;
  lesson_count: number;
  /** The line's coupon (null columns without one), with what decides whether it applies now. */
  coupon_id: string | null;
  coupon_code: string | null;
  percent_off: number | null;
  fixed_price_cents: number | null;
  coupon_starts_at: Date | null;
  coupon_ends_at: Date | null;
  coupon_max_redemptions: number | null;
  coupon_uses_count: number | null;
  coupon_is_active: boolean | null;
}

/** The user's one cart, created on first access (the unique user_id makes concurrent first accesses one cart). */
export async function ensureCart(db: Db, userId: string): Promise<CartRow> {
  await db('carts').insert({ user_id: userId }).onConflict('user_id').ignore();
  return (await db('carts').select('id', 'user_id', 'updated_at').where({ user_id: userId }).first()) as CartRow;
}

/**
 * The user's cart, locked until the transaction ends: whoever turns it into an order holds it alone. The lock is
 * tried first (the cart exists whenever it holds something); only a learner without one pays for the insert.
 */
export async function lockCart(trx: Knex.Transaction, userId: string): Promise<CartRow> {
  const lock = (): Promise<CartRow | undefined> =>
    trx('carts').select('id', 'user_id', 'updated_at').where({ user_id: userId }).forUpdate().first();
  const existing = await lock();
  if (existing) return existing;
  await trx('carts').insert({ user_id: userId }).onConflict('user_id').ignore();
  return (await lock()) as CartRow;
}

/**
 * The user's cart, created if missing, with updated_at set to now: what a change of the cart's content does, in
 * the caller's transaction (a change that fails rolls the touch back with it). One statement for an existing
 * cart, two for a new one, three when a concurrent first access created it in between.
 */
export async function touchOrCreateCart(trx: Knex.Transaction, userId: string): Promise<CartRow> {
  const touch = async (): Promise<CartRow | undefined> =>
    (
      (await trx('carts')
        .where({ user_id: userId })
        .update({ updated_at: trx.fn.now() })
        .returning(['id', 'user_id', 'updated_at'])) as CartRow[]
    )[0];
  const touched = await touch();
  if (touched) return touched;
  const [created] = (await trx('carts')
    .insert({ user_id: userId })
    .onConflict('user_id')
    .ignore()
    .returning(['id', 'user_id', 'updated_at'])) as CartRow[];
  return created ?? ((await touch()) as CartRow);
}

/** What a cart line shows: the item, and its course's current price and card fields. */
const CART_LINE_COLUMNS = [
  'ci.id',
  'ci.added_at',
  'c.id as course_id',
  'c.title',
  'c.price_cents',
  'c.original_price_cents',
  'c.thumbnail',
  'c.lesson_count',
  'cp.id as coupon_id',
  'cp.code as coupon_code',
  'cp.percent_off',
  'cp.fixed_price_cents',
  'cp.starts_at as coupon_starts_at',
  'cp.ends_at as coupon_ends_at',
  'cp.max_redemptions as coupon_max_redemptions',
  'cp.uses_count as coupon_uses_count',
  'cp.is_active as coupon_is_active',
];

/** Cart items with their course and, when one is applied, their coupon. */
function cartLineQuery(db: Db): Knex.QueryBuilder {
  return db('cart_items as ci')
    .join('courses as c', 'c.id', 'ci.course_id')
    .leftJoin('cart_coupons as cc', 'cc.cart_item_id', 'ci.id')
    .leftJoin('coupons as cp', 'cp.id', 'cc.coupon_id')
    .select(CART_LINE_COLUMNS);
}

/** The items whose course is still published, oldest first; unpublished courses are left out, not deleted. */
export function cartLines(db: Db, cartId: string): Promise<CartLineRow[]> {
  return cartLineQuery(db)
    .where('ci.cart_id', cartId)
    .andWhere('c.is_published', true)
    .orderBy([{ column: 'ci.added_at' }, { column: 'ci.id' }]);
}

/** Inserts the item unless the course is already in the cart (the unique constraint decides); undefined then. */
export async function insertCartItem(
  trx: Knex.Transaction,
  cartId: string,
  courseId: string,
): Promise<{ id: string; added_at: Date } | undefined> {
  const [row] = (await trx('cart_items')
    .insert({ cart_id: cartId, course_id: courseId })
    .onConflict(['cart_id', 'course_id'])
    .ignore()
    .returning(['id', 'added_at'])) as Array<{ id: string; added_at: Date }>;
  return row;
}

/** Deletes the item only from this user's cart; returns how many rows went (0: not theirs, or gone). */
export function deleteCartItem(db: Db, userId: string, itemId: string): Promise<number> {
  return db('cart_items')
    .where({ id: itemId })
    .whereIn('cart_id', db('carts').select('id').where({ user_id: userId }))
    .delete();
}

export function deleteCartCourses(db: Db, userId: string, courseIds?: string[]): Promise<number> {
  const query = db('cart_items').whereIn('cart_id', db('carts').select('id').where({ user_id: userId }));
  if (courseIds) query.whereIn('course_id', courseIds);
  return query.delete();
}

export function touchCart(db: Db, userId: string): Promise<number> {
  return db('carts').where({ user_id: userId }).update({ updated_at: db.fn.now() });
}
