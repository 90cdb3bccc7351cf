import type { Knex } from 'knex';
import type { Db } from '../db/knex';

/** The courses among `courseIds` the user owns: an active or completed enrollment (a refunded one is not owned). */
export async function ownedCourseIds(db: Db, userId: string, courseIds: string[]): Promise<Set<string>> {
  if (courseIds.length === 0) return new Set();
  const rows = (await db('enrollments')
    .select('course_id')
    .where({ user_id: userId })
    .whereIn('course_id', courseIds)
    .whereIn('status', ['active', 'completed'])) as Array<{ course_id: string }>;
  return new Set(rows.map((r) => r.course_id));
}

/** Whether the user owns (as ownedCourseIds counts it) any course of the order, in one query. */
export async function ownsCourseOfOrder(db: Db, userId: string, orderId: string): Promise<boolean> {
  const row = await db('order_items as oi')
    .join('enrollments as e', 'e.course_id', 'oi.course_id')
    .where('oi.order_id', orderId)
    .andWhere('e.user_id', userId)
    .whereIn('e.status', ['active', 'completed'])
    .first('oi.course_id');
  return row !== undefined;
}

export interface GrantedEnrollmentRow {
  id: string;
  course_id: string;
  enrolled_at: Date;
  status: 'active' | 'completed' | 'refunded';
  progress_percent: number;
  lessons_completed: number;
  total_lessons: number;
}

/**
 * Enrolls the user in each course, once whatever the concurrency: the unique (user_id, course_id) decides. A
 * refunded enrollment is reactivated with its progress kept; an active or completed one is left alone. Returns
 * only the enrollments this call created or reactivated.
 */
export async function grantEnrollments(
  trx: Knex.Transaction,
  grant: { userId: string; source: 'free' | 'purchase'; orderId: string | null; courses: Array<{ id: string; lessonCount: number }> },
): Promise<GrantedEnrollmentRow[]> {
  if (grant.courses.length === 0) return [];
  const rows = grant.courses.map((c) => ({
    user_id: grant.userId,
    course_id: c.id,
    order_id: grant.orderId,
    source: grant.source,
    status: 'active',
    total_lessons: c.lessonCount,
  }));
  const result = await trx.raw(
    `? ON CONFLICT ON CONSTRAINT enrollments_user_id_course_id_unique DO UPDATE
       SET status = 'active', refunded_at = NULL, order_id = EXCLUDED.order_id, source = EXCLUDED.source
       WHERE enrollments.status = 'refunded'
     RETURNING id, course_id, enrolled_at, status, progress_percent, lessons_completed, total_lessons`,
    [trx('enrollments').insert(rows)],
  );
  return result.rows as GrantedEnrollmentRow[];
}

/** The order's enrollments lose access (progress is kept); returns the courses concerned. */
export async function refundOrderEnrollments(trx: Knex.Transaction, orderId: string): Promise<string[]> {
  const rows = (await trx('enrollments')
    .where({ order_id: orderId })
    .whereIn('status', ['active', 'completed'])
    .update({ status: 'refunded', refunded_at: trx.fn.now() })
    .returning('course_id')) as Array<{ course_id: string }>;
  return rows.map((r) => r.course_id);
}
