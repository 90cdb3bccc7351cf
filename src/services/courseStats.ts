import type { Knex } from 'knex';
import { withTransaction } from '../db/transaction';
import {
  clearBestsellerWithoutCategory,
  courseCategory,
  lockCategory,
  refreshCategoryBestsellers,
  refreshStudentCount,
} from '../repositories/courseStats';

/**
 * Rebuilds a course's student_count from enrollments, then the bestseller flags of its whole category (one
 * course gaining students can push another out of the top 10%). Idempotent: a rerun writes nothing new.
 */
export async function recomputeCourseStats(
  db: Knex,
  courseId: string,
): Promise<{ studentCount: number; bestsellerChanges: number } | undefined> {
  return withTransaction(db, async (trx) => {
    // The category lock comes before any row lock, so two runs in one category cannot deadlock.
    const categoryId = await courseCategory(trx, courseId);
    if (categoryId === undefined) return undefined;
    if (categoryId) await lockCategory(trx, categoryId);
    const course = await refreshStudentCount(trx, courseId);
    if (!course) return undefined;
    if (!course.category_id) {
      await clearBestsellerWithoutCategory(trx, courseId);
      return { studentCount: course.student_count, bestsellerChanges: 0 };
    }
    const bestsellerChanges = await refreshCategoryBestsellers(trx, course.category_id);
    return { studentCount: course.student_count, bestsellerChanges };
  });
}
