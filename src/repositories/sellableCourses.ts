import type { Db } from '../db/knex';

/** What commerce decides on when a course is put in a cart, ordered or enrolled in for free. */
export interface SellableCourseRow {
  id: string;
  title: string;
  instructor_id: string;
  price_cents: number | null;
  original_price_cents: number | null;
  currency: string;
  thumbnail: string | null;
  lesson_count: number;
}

/** A published course (an unpublished or unknown one is "not found" to buyers). */
export function findPublishedCourse(db: Db, courseId: string): Promise<SellableCourseRow | undefined> {
  return db('courses')
    .select('id', 'title', 'instructor_id', 'price_cents', 'original_price_cents', 'currency', 'thumbnail', 'lesson_count')
    .where({ id: courseId, is_published: true })
    .first();
}

/** Free courses are enrolled in directly, never sold (a course without a price counts as free). */
export const isFree = (course: Pick<SellableCourseRow, 'price_cents'>): boolean => (course.price_cents ?? 0) === 0;
