import type { Knex } from 'knex';
import type { components } from '../generated/api';
import type { Db } from '../db/knex';

export interface WishlistLineRow {
  id: string;
  added_at: Date;
  course_id: string;
  title: string;
  slug: string;
  price_cents: number | null;
  original_price_cents: number | null;
  thumbnail: string | null;
  rating_1: number;
  rating_2: number;
  rating_3: number;
  rating_4: number;
  rating_5: number;
  level: components['schemas']['Level'];
}

function lines(db: Db): Knex.QueryBuilder {
  return db('wishlist_items as w')
    .join('courses as c', 'c.id', 'w.course_id')
    .andWhere('c.is_published', true)
    .select(
      'w.id',
      'w.added_at',
      'c.id as course_id',
      'c.title',
      'c.slug',
      'c.price_cents',
      'c.original_price_cents',
      'c.thumbnail',
      'c.level',
      'c.rating_1',
      'c.rating_2',
      'c.rating_3',
      'c.rating_4',
      'c.rating_5',
    );
}

/** The user's saved courses that are published, newest first. */
export function wishlistLines(db: Db, userId: string): Promise<WishlistLineRow[]> {
  return lines(db)
    .where('w.user_id', userId)
    .orderBy([
      { column: 'w.added_at', order: 'desc' },
      { column: 'w.id', order: 'desc' },
    ]);
}

export function findWishlistLine(db: Db, itemId: string): Promise<WishlistLineRow | undefined> {
  return lines(db).where('w.id', itemId).first();
}

/** Saves the course unless it is already saved (the unique constraint decides); undefined then. */
export async function insertWishlistItem(db: Db, userId: string, courseId: string): Promise<string | undefined> {
  const [row] = (await db('wishlist_items')
    .insert({ user_id: userId, course_id: courseId })
    .onConflict(['user_id', 'course_id'])
    .ignore()
    .returning('id')) as Array<{ id: string }>;
  return row?.id;
}

/** The user's item, locked so that two concurrent moves to the cart cannot both use it. */
export function lockWishlistItem(
  trx: Knex.Transaction,
  userId: string,
  itemId: string,
): Promise<{ id: string; course_id: string } | undefined> {
  return trx('wishlist_items').select('id', 'course_id').where({ id: itemId, user_id: userId }).forUpdate().first();
}

export function deleteWishlistItem(db: Db, userId: string, itemId: string): Promise<number> {
  return db('wishlist_items').where({ id: itemId, user_id: userId }).delete();
}
