import type { Knex } from 'knex';
import { recomputeStats } from '../repositories/courseStats';

/**
 * The course's student_count (exact at every commit: triggers on enrollments keep it) and the bestseller flags of
 * every category a change has touched since its last ranking (one course gaining students can push another out of
 * the top 10%). Idempotent: a rerun finds nothing left to rank and writes nothing.
 */
export async function recomputeCourseStats(
  db: Knex,
  courseId: string,
): Promise<{ studentCount: number; bestsellerChanges: number } | undefined> {
  const row = await recomputeStats(db, courseId);
  if (!row.known) return undefined;
  return { studentCount: row.student_count ?? 0, bestsellerChanges: row.bestseller_changes };
}
