import type { Knex } from 'knex';

/**
 * One call of recompute_course_stats (db/migrations/20261204040000_create_course_stats_triggers.ts): the course's
 * student_count, kept by triggers on enrollments, and the re-ranking of every category whose bestseller inputs
 * changed since it was last ranked (usually none, or the course's own). One statement, so one round trip and its
 * own transaction; the function takes the per-category locks and removes the markers it has seen.
 */
export async function recomputeStats(
  db: Knex,
  courseId: string,
): Promise<{ known: boolean; student_count: number | null; bestseller_changes: number }> {
  const result = (await db.raw('SELECT known, student_count, bestseller_changes FROM recompute_course_stats(?::uuid)', [courseId])) as {
    rows: Array<{ known: boolean; student_count: number | null; bestseller_changes: number }>;
  };
  return result.rows[0]!;
}
