import type { Knex } from 'knex';

/**
 * The SQL that derives the instructor insights from the source tables. Each aggregate has ONE source query,
 * optionally narrowed to a slice (a course, a course and a UTC day); the incremental jobs and the full rebuild
 * both run it, so a slice recomputed after an event and the whole table rebuilt from scratch cannot disagree.
 *
 * Days are UTC calendar days. Only orders that were paid count (completed, or refunded after being completed);
 * a refunded sale stays on the day it was sold, and its refund counts on the day it was refunded.
 */

/** The day (UTC) of a timestamp expression. */
const utcDay = (column: string): string => `(${column} AT TIME ZONE 'UTC')::date`;

/**
 * One row per paid order line with its own discount: a coupon applies to one course, so create-from-cart freezes the
 * discount on the line it applies to (order_items.discount_cents, whose sum is orders.discount_cents) and the course
 * that carried the coupon is the one whose figures show it.
 */
function paidLines(orderFilter: string): string {
  return `
    SELECT oi.course_id, o.status, o.completed_at, o.refunded_at, oi.price_cents, oi.discount_cents AS discount
    FROM orders o
    JOIN order_items oi ON oi.order_id = o.id
    WHERE o.status IN ('completed', 'refunded') AND o.completed_at IS NOT NULL ${orderFilter}`;
}

export interface SalesSlice {
  courseId: string;
  day: string;
}

/** insight_sales_daily rows, for everything or for one course and day. */
function salesSource(slice?: SalesSlice): { sql: string; bindings: unknown[] } {
  // A slice narrows the orders first (every line of an order is needed to split its discount), then the rows.
  const orderFilter = slice
    ? `AND o.id IN (SELECT order_id FROM order_items WHERE course_id = ?)
       AND (${utcDay('o.completed_at')} = ?::date OR ${utcDay('o.refunded_at')} = ?::date)`
    : '';
  const sql = `
    WITH lines AS (${paidLines(orderFilter)}),
    sold AS (
      SELECT course_id, ${utcDay('completed_at')} AS day, count(*) AS sales_count, sum(price_cents - discount) AS gross_cents,
             count(*) FILTER (WHERE discount > 0) AS discounted_sales_count, sum(discount) AS discount_cents
      FROM lines GROUP BY 1, 2
    ),
    refunded AS (
      SELECT course_id, ${utcDay('refunded_at')} AS day, count(*) AS refunds_count, sum(price_cents - discount) AS refunded_cents
      FROM lines WHERE status = 'refunded' AND refunded_at IS NOT NULL GROUP BY 1, 2
    )
    SELECT c.id AS course_id, k.day, c.instructor_id,
           coalesce(s.sales_count, 0) AS sales_count, coalesce(s.gross_cents, 0) AS gross_cents,
           coalesce(s.discounted_sales_count, 0) AS discounted_sales_count, coalesce(s.discount_cents, 0) AS discount_cents,
           coalesce(r.refunds_count, 0) AS refunds_count, coalesce(r.refunded_cents, 0) AS refunded_cents
    FROM (SELECT course_id, day FROM sold UNION SELECT course_id, day FROM refunded) k
    JOIN courses c ON c.id = k.course_id
    LEFT JOIN sold s ON s.course_id = k.course_id AND s.day = k.day
    LEFT JOIN refunded r ON r.course_id = k.course_id AND r.day = k.day
    ${slice ? 'WHERE k.course_id = ? AND k.day = ?::date' : ''}`;
  return { sql, bindings: slice ? [slice.courseId, slice.day, slice.day, slice.courseId, slice.day] : [] };
}

/** Enrollments that give access (active or completed): a refunded learner leaves every learning figure. */
const WITH_ACCESS = `e.status IN ('active', 'completed')`;

/**
 * insight_learning_daily: per course and day, new enrollments, completions, and learners whose latest activity
 * (enrollments.last_accessed_at) falls on that day, so "active in the last N days" is a sum over N days.
 */
function learningSource(courseId?: string): { sql: string; bindings: unknown[] } {
  const sql = `
    SELECT e.course_id, d.day, c.instructor_id,
           sum(d.enrolled) AS enrollments, sum(d.completed) AS completions, sum(d.active) AS last_active_learners
    FROM enrollments e
    JOIN courses c ON c.id = e.course_id
    CROSS JOIN LATERAL (VALUES
      (${utcDay('e.enrolled_at')}, 1, 0, 0),
      (${utcDay(`CASE WHEN e.status = 'completed' THEN e.completed_at END`)}, 0, 1, 0),
      (${utcDay('e.last_accessed_at')}, 0, 0, 1)
    ) AS d(day, enrolled, completed, active)
    WHERE ${WITH_ACCESS} AND d.day IS NOT NULL ${courseId ? 'AND e.course_id = ?' : ''}
    GROUP BY e.course_id, d.day, c.instructor_id`;
  return { sql, bindings: courseId ? [courseId] : [] };
}

/** insight_course_learners: per course, learners with access, those who completed it, and their progress sum. */
function learnersSource(courseId?: string): { sql: string; bindings: unknown[] } {
  const sql = `
    SELECT e.course_id, c.instructor_id, count(*) AS learners,
           count(*) FILTER (WHERE e.status = 'completed') AS completed_learners, sum(e.progress_percent) AS progress_percent_sum
    FROM enrollments e
    JOIN courses c ON c.id = e.course_id
    WHERE ${WITH_ACCESS} ${courseId ? 'AND e.course_id = ?' : ''}
    GROUP BY e.course_id, c.instructor_id`;
  return { sql, bindings: courseId ? [courseId] : [] };
}

/**
 * insight_lesson_engagement: per lesson, the learners with access who started it (have progress on it) and who
 * completed it; and "stopped": learners who have not finished the course and whose furthest lesson reached (in
 * curriculum order: section position, then lesson position) is this one. The drop-off lesson is the one where
 * most learners stopped.
 */
function engagementSource(courseId?: string): { sql: string; bindings: unknown[] } {
  const filter = courseId ? 'AND l.course_id = ?' : '';
  const sql = `
    WITH ordered AS (
      SELECT l.id, l.course_id, row_number() OVER (PARTITION BY l.course_id ORDER BY s.position, l.position, l.id) AS ord
      FROM lessons l JOIN sections s ON s.id = l.section_id
      WHERE true ${filter}
    ),
    progress AS (
      SELECT o.course_id, o.id AS lesson_id, o.ord, e.id AS enrollment_id, e.status, lp.completed_at
      FROM ordered o
      JOIN lesson_progress lp ON lp.lesson_id = o.id
      JOIN enrollments e ON e.id = lp.enrollment_id AND e.course_id = o.course_id
      WHERE ${WITH_ACCESS}
    ),
    furthest AS (
      SELECT DISTINCT ON (enrollment_id) enrollment_id, lesson_id
      FROM progress WHERE status = 'active'
      ORDER BY enrollment_id, ord DESC
    ),
    stopped AS (SELECT lesson_id, count(*) AS n FROM furthest GROUP BY lesson_id)
    SELECT p.course_id, p.lesson_id, count(*) AS learners_started,
           count(*) FILTER (WHERE p.completed_at IS NOT NULL) AS learners_completed, coalesce(max(st.n), 0) AS learners_stopped
    FROM progress p
    LEFT JOIN stopped st ON st.lesson_id = p.lesson_id
    GROUP BY p.course_id, p.lesson_id`;
  return { sql, bindings: courseId ? [courseId] : [] };
}

/** insight_reviews_daily: the reviews that count in the course's figures (author with access), by day written. */
function reviewsSource(courseId?: string): { sql: string; bindings: unknown[] } {
  const sql = `
    SELECT r.course_id, ${utcDay('r.created_at')} AS day, c.instructor_id, count(*) AS reviews_count, sum(r.rating) AS rating_sum,
           count(*) FILTER (WHERE r.rating = 1) AS rating_1, count(*) FILTER (WHERE r.rating = 2) AS rating_2,
           count(*) FILTER (WHERE r.rating = 3) AS rating_3, count(*) FILTER (WHERE r.rating = 4) AS rating_4,
           count(*) FILTER (WHERE r.rating = 5) AS rating_5
    FROM reviews r
    JOIN courses c ON c.id = r.course_id
    WHERE EXISTS (SELECT 1 FROM enrollments e WHERE e.user_id = r.user_id AND e.course_id = r.course_id AND ${WITH_ACCESS})
      ${courseId ? 'AND r.course_id = ?' : ''}
    GROUP BY r.course_id, day, c.instructor_id`;
  return { sql, bindings: courseId ? [courseId] : [] };
}

interface Aggregate {
  table: string;
  columns: string[];
}

const SALES: Aggregate = {
  table: 'insight_sales_daily',
  columns: [
    'course_id',
    'day',
    'instructor_id',
    'sales_count',
    'gross_cents',
    'discounted_sales_count',
    'discount_cents',
    'refunds_count',
    'refunded_cents',
  ],
};
const LEARNING: Aggregate = {
  table: 'insight_learning_daily',
  columns: ['course_id', 'day', 'instructor_id', 'enrollments', 'completions', 'last_active_learners'],
};
const LEARNERS: Aggregate = {
  table: 'insight_course_learners',
  columns: ['course_id', 'instructor_id', 'learners', 'completed_learners', 'progress_percent_sum'],
};
const ENGAGEMENT: Aggregate = {
  table: 'insight_lesson_engagement',
  columns: ['course_id', 'lesson_id', 'learners_started', 'learners_completed', 'learners_stopped'],
};
const REVIEWS: Aggregate = {
  table: 'insight_reviews_daily',
  columns: ['course_id', 'day', 'instructor_id', 'reviews_count', 'rating_sum', 'rating_1', 'rating_2', 'rating_3', 'rating_4', 'rating_5'],
};

/** Every insight table, always locked in this order (the rebuild and the slices), so they cannot deadlock. */
export const INSIGHT_TABLES = [SALES, LEARNING, LEARNERS, ENGAGEMENT, REVIEWS].map((a) => a.table);

/** Replaces the rows of `where` in the aggregate by what the source query derives now. */
async function replaceRows(
  trx: Knex.Transaction,
  aggregate: Aggregate,
  source: { sql: string; bindings: unknown[] },
  where: Record<string, string>,
): Promise<number> {
  if (Object.keys(where).length > 0) await trx(aggregate.table).where(where).delete();
  else await trx.raw(`DELETE FROM ${aggregate.table}`);
  const columns = aggregate.columns.join(', ');
  const result = await trx.raw(
    `INSERT INTO ${aggregate.table} (${columns}) SELECT ${columns} FROM (${source.sql}) src`,
    source.bindings as string[],
  );
  return (result as { rowCount: number }).rowCount;
}

/**
 * Serializes the recomputes of one course (two runs would otherwise read the source at different moments and
 * the older could write last), and keeps them off the tables while a full rebuild holds them (ROW EXCLUSIVE
 * waits for the rebuild's EXCLUSIVE lock and the other way round).
 */
async function lockCourseSlice(trx: Knex.Transaction, courseId: string, tables: string[]): Promise<void> {
  await trx.raw(`LOCK TABLE ${tables.join(', ')} IN ROW EXCLUSIVE MODE`);
  await trx.raw(`SELECT pg_advisory_xact_lock(hashtext('insights:' || ?::text))`, [courseId]);
}

/** The sales of one course on one UTC day, from the orders. */
export async function recomputeSalesSlice(trx: Knex.Transaction, slice: SalesSlice): Promise<number> {
  await lockCourseSlice(trx, slice.courseId, [SALES.table]);
  return replaceRows(trx, SALES, salesSource(slice), { course_id: slice.courseId, day: slice.day });
}

/** Learning, learners, lesson engagement and reviews of one course, from the source tables. */
export async function recomputeCourseSlices(trx: Knex.Transaction, courseId: string): Promise<number> {
  await lockCourseSlice(
    trx,
    courseId,
    INSIGHT_TABLES.filter((t) => t !== SALES.table),
  );
  let rows = 0;
  rows += await replaceRows(trx, LEARNING, learningSource(courseId), { course_id: courseId });
  rows += await replaceRows(trx, LEARNERS, learnersSource(courseId), { course_id: courseId });
  rows += await replaceRows(trx, ENGAGEMENT, engagementSource(courseId), { course_id: courseId });
  rows += await replaceRows(trx, REVIEWS, reviewsSource(courseId), { course_id: courseId });
  return rows;
}

/** Every insight table from scratch; the tables are locked against the slices until the transaction ends. */
export async function rebuildAllInsights(trx: Knex.Transaction): Promise<Record<string, number>> {
  await trx.raw(`LOCK TABLE ${INSIGHT_TABLES.join(', ')} IN EXCLUSIVE MODE`);
  const counts: Record<string, number> = {};
  const sources: [Aggregate, { sql: string; bindings: unknown[] }][] = [
    [SALES, salesSource()],
    [LEARNING, learningSource()],
    [LEARNERS, learnersSource()],
    [ENGAGEMENT, engagementSource()],
    [REVIEWS, reviewsSource()],
  ];
  for (const [aggregate, source] of sources) {
    counts[aggregate.table] = await replaceRows(trx, aggregate, source, {});
  }
  return counts;
}

/** The courses and UTC days of an order's sale and refund: the sales slices an order's change touches. */
export async function orderSalesSlices(trx: Knex.Transaction, orderId: string): Promise<SalesSlice[]> {
  const rows = (await trx.raw(
    `SELECT DISTINCT oi.course_id, to_char(d.day, 'YYYY-MM-DD') AS day
     FROM orders o
     JOIN order_items oi ON oi.order_id = o.id
     CROSS JOIN LATERAL (VALUES (${utcDay('o.completed_at')}), (${utcDay('o.refunded_at')})) AS d(day)
     WHERE o.id = ? AND d.day IS NOT NULL`,
    [orderId],
  )) as { rows: { course_id: string; day: string }[] };
  return rows.rows.map((r) => ({ courseId: r.course_id, day: r.day }));
}
