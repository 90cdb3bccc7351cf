import type { Db } from '../db/knex';
import { param, runReadShape } from '../db/sqlShapes';

export interface ViewerFlags {
  enrolled: boolean;
  in_cart: boolean;
  in_wishlist: boolean;
}

export const NO_FLAGS: ViewerFlags = Object.freeze({ enrolled: false, in_cart: false, in_wishlist: false });

// A refunded enrollment no longer gives access, so it does not count as enrolled.
const FLAG_COLUMNS = `
  EXISTS (SELECT 1 FROM enrollments e WHERE e.user_id = :user AND e.course_id = x.id AND e.status <> 'refunded') AS enrolled,
  EXISTS (SELECT 1 FROM cart_items ci JOIN carts ca ON ca.id = ci.cart_id WHERE ca.user_id = :user AND ci.course_id = x.id) AS in_cart,
  EXISTS (SELECT 1 FROM wishlist_items w WHERE w.user_id = :user AND w.course_id = x.id) AS in_wishlist`;

/** The viewer's enrolled / in_cart / in_wishlist for a whole page of courses, in one query. */
export async function viewerFlags(db: Db, userId: string | null, courseIds: string[]): Promise<Map<string, ViewerFlags>> {
  const flags = new Map<string, ViewerFlags>();
  if (!userId || courseIds.length === 0) return flags;
  const { rows } = await db.raw(`SELECT x.id, ${FLAG_COLUMNS} FROM unnest(CAST(:ids AS uuid[])) AS x(id)`, {
    user: userId,
    ids: courseIds,
  });
  for (const row of rows as Array<ViewerFlags & { id: string }>) {
    flags.set(row.id, { enrolled: row.enrolled, in_cart: row.in_cart, in_wishlist: row.in_wishlist });
  }
  return flags;
}

export interface ViewerCourseState extends ViewerFlags {
  progress_percent: number | null;
  enrolled_at: Date | null;
}

/** The viewer's relation to one course for its page: the flags plus the enrollment's progress and date. */
export async function viewerCourseState(db: Db, userId: string | null, courseId: string): Promise<ViewerCourseState> {
  // Not `{ ...NO_FLAGS, more }`: a new hidden class per call on Node 20 (see src/presenters/courses.ts).
  if (!userId) return Object.assign({}, NO_FLAGS, { progress_percent: null, enrolled_at: null });
  const rows = await runReadShape<ViewerCourseState>(
    db,
    'viewerCourseState',
    () =>
      db.raw(
        `SELECT ${FLAG_COLUMNS}, en.progress_percent, en.enrolled_at
     FROM (SELECT CAST(:course AS uuid) AS id) x
     LEFT JOIN enrollments en ON en.user_id = :user AND en.course_id = x.id AND en.status <> 'refunded'`,
        { user: param('user'), course: param('course') },
      ),
    { user: userId, course: courseId },
  );
  return rows[0] as ViewerCourseState;
}

/** Whether the user holds an enrollment that gives access to the course (refunded ones do not). */
export async function isEnrolled(db: Db, userId: string, courseId: string): Promise<boolean> {
  const row = await db('enrollments').where({ user_id: userId, course_id: courseId }).whereNot('status', 'refunded').first('id');
  return row !== undefined;
}
