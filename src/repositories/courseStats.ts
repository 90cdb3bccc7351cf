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
 * is_bestseller for the courses of a category: a published course with at least one student whose rank by
 * student_count is within the top 10% of the category's published courses (ties share a rank). A rank within k
 * is the same as student_count >= the k-th highest count, so the threshold comes from the category's published
 * count (summed from catalog_facet_counts, kept exact by triggers) and k entries of
 * courses_pub_category_students_index, and only the rows whose flag flips are visited: those above the
 * threshold still unflagged (the same index) and those flagged but no longer above it
 * (courses_bestseller_category_index). Ranking the whole category instead read all of its rows and, through a
 * hash join, every course of the catalog: about 3 s per job at 100,000 courses.
 */
export async function refreshCategoryBestsellers(trx: Knex.Transaction, categoryId: string): Promise<number> {
  const result = await trx.raw(
    `WITH k AS (
       SELECT ceil(0.1 * coalesce(sum(courses), 0))::int AS k FROM catalog_facet_counts WHERE category_id = :category
     ), threshold AS (
       SELECT CASE WHEN k.k = 0 THEN NULL ELSE greatest(1, (
                SELECT student_count FROM courses
                WHERE category_id = :category AND is_published
                ORDER BY student_count DESC
                OFFSET k.k - 1 LIMIT 1)) END AS t
       FROM k
     )
     UPDATE courses c SET is_bestseller = NOT c.is_bestseller
     WHERE c.id = ANY (ARRAY(
       SELECT id FROM courses, threshold
       WHERE category_id = :category AND is_published AND student_count >= threshold.t AND NOT is_bestseller
       UNION ALL
       SELECT id FROM courses, threshold
       WHERE category_id = :category AND is_bestseller
         AND NOT coalesce(is_published AND student_count >= threshold.t, false)
     ))`,
    { category: categoryId },
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
