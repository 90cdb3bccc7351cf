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
}

/** The user's one cart, created on first access (the unique user_id makes concurrent first accesses one cart). */
export async function ensureCart(db: Db, userId: string): Promise<CartRow> {
  await db('carts').insert({ user_id: userId }).onConflict('user_id').ignore();
  return (await db('carts').select('id', 'user_id', 'updated_at').where({ user_id: userId }).first()) as CartRow;
}

/** The user's cart, locked until the transaction ends: whoever turns it into an order holds it alone. */
export async function lockCart(trx: Knex.Transaction, userId: string): Promise<CartRow> {
  await trx('carts').insert({ user_id: userId }).onConflict('user_id').ignore();
  return (await trx('carts').select('id', 'user_id', 'updated_at').where({ user_id: userId }).forUpdate().first()) as CartRow;
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
];

/** The items whose course is still published, oldest first; unpublished courses are left out, not deleted. */
export function cartLines(db: Db, cartId: string): Promise<CartLineRow[]> {
  return db('cart_items as ci')
    .join('courses as c', 'c.id', 'ci.course_id')
    .where('ci.cart_id', cartId)
    .andWhere('c.is_published', true)
    .select(CART_LINE_COLUMNS)
    .orderBy([{ column: 'ci.added_at' }, { column: 'ci.id' }]);
}

export function findCartLine(db: Db, itemId: string): Promise<CartLineRow | undefined> {
  return db('cart_items as ci').join('courses as c', 'c.id', 'ci.course_id').where('ci.id', itemId).select(CART_LINE_COLUMNS).first();
}

/** Inserts the item unless the course is already in the cart (the unique constraint decides); undefined then. */
export async function insertCartItem(trx: Knex.Transaction, cartId: string, courseId: string): Promise<string | undefined> {
  const [row] = (await trx('cart_items')
    .insert({ cart_id: cartId, course_id: courseId })
    .onConflict(['cart_id', 'course_id'])
    .ignore()
    .returning('id')) as Array<{ id: string }>;
  return row?.id;
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
