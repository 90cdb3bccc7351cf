import type { Knex } from 'knex';

/** The course's category id (null without one), or undefined for an unknown course. */
export async function courseCategory(trx: Knex.Transaction, courseId: string): Promise<string | null | undefined> {
  const row = (await trx('courses').where({ id: courseId }).first('category_id')) as { category_id: string | null } | undefined;
  return row ? row.category_id : undefined;
}

/** student_count from the enrollments that give access (active and completed); returns the course's category. */
export async function refreshStudentCount(
  trx: Knex.Transaction,
  courseId: string,
): Promise<{ category_id: string | null; student_count: number } | undefined> {
  const rows = (await trx('courses')
    .where({ id: courseId })
    .update({
      student_count: trx.raw(`(SELECT count(*) FROM enrollments WHERE course_id = ? AND status IN ('active', 'completed'))`, [courseId]),
    })
    .returning(['category_id', 'student_count'])) as { category_id: string | null; student_count: number }[];
  return rows[0];
}

/**
 * is_bestseller for every course of a category: a published course with at least one student whose rank by
 * student_count is within the top 10% of the category's published courses (ties share a rank). Only rows whose
 * flag changes are written.
 */
export async function refreshCategoryBestsellers(trx: Knex.Transaction, categoryId: string): Promise<number> {
  const result = await trx.raw(
    `WITH ranked AS (
       SELECT id,
              is_published AND student_count >= 1
                AND rank() OVER (PARTITION BY is_published ORDER BY student_count DESC)
                    <= ceil(0.1 * count(*) OVER (PARTITION BY is_published)) AS bestseller
       FROM courses
       WHERE category_id = ?
     )
     UPDATE courses c SET is_bestseller = ranked.bestseller
     FROM ranked
     WHERE c.id = ranked.id AND c.is_bestseller IS DISTINCT FROM ranked.bestseller`,
    [categoryId],
  );
  return (result as { rowCount: number }).rowCount;
}

/** Serializes bestseller recomputations of one category (each ranks the whole category). */
export async function lockCategory(trx: Knex.Transaction, categoryId: string): Promise<void> {
  await trx.raw(`SELECT pg_advisory_xact_lock(hashtext('course-stats:' || ?::text))`, [categoryId]);
}

/** A course without a category is ranked nowhere, so it is no bestseller. */
export async function clearBestsellerWithoutCategory(trx: Knex.Transaction, courseId: string): Promise<void> {
  await trx('courses').where({ id: courseId, is_bestseller: true }).whereNull('category_id').update({ is_bestseller: false });
}
