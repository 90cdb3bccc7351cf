import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { intParam, param, runReadShape } from '../db/sqlShapes';

/**
 * The instructor insights' reads: only the aggregate tables (src/repositories/insightAggregates.ts), each one
 * range of an index on (instructor_id, day) or the course's primary key, never the orders or the enrollments.
 */

export type Granularity = 'day' | 'week' | 'month';

export interface InsightScope {
  instructorId: string;
  /** Narrows to one course (already checked to be the instructor's own). */
  courseId?: string;
  from: string;
  to: string;
}

/*
 * Every read here is one SQL text per shape (src/db/sqlShapes.ts), keyed by whether it is narrowed to a course:
 * the statements are fixed, and knex building them on each request showed in the profile of these reads.
 */

/** The window and scope of a read, in marker form (the values are scopeParams()). */
function scoped(db: Db, table: string, scope: InsightScope): Knex.QueryBuilder {
  const q = db(table)
    .where('instructor_id', param('instructor'))
    .whereBetween('day', [param('from'), param('to')]);
  if (scope.courseId) q.where('course_id', param('course'));
  return q;
}

const scopeParams = (scope: InsightScope, more: Record<string, unknown> = {}): Record<string, unknown> => ({
  instructor: scope.instructorId,
  from: scope.from,
  to: scope.to,
  course: scope.courseId,
  ...more,
});

const scopeKey = (name: string, scope: { courseId?: string }): string => `insights:${name}:${scope.courseId ? 'course' : 'all'}`;

/** The first day of the period holding `day` (weeks start on Monday, as ISO 8601's), as YYYY-MM-DD. */
const periodOf = (db: Db): Knex.Raw => db.raw(`to_char(date_trunc(?, day)::date, 'YYYY-MM-DD')`, [param('granularity')]);

/** bigint sums come back as strings (pg keeps them exact); every figure here fits a JS number. */
function numbers<T extends Record<string, unknown>>(row: T): Record<keyof T, number> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v ?? 0)])) as Record<keyof T, number>;
}

const SALES_SUMS = [
  'sum(sales_count) AS sales_count',
  'sum(gross_cents) AS gross_cents',
  'sum(refunds_count) AS refunds_count',
  'sum(refunded_cents) AS refunded_cents',
  'sum(discounted_sales_count) AS discounted_sales_count',
  'sum(discount_cents) AS discount_cents',
];

export interface SalesFigures {
  sales_count: number;
  gross_cents: number;
  refunds_count: number;
  refunded_cents: number;
  discounted_sales_count: number;
  discount_cents: number;
}

export async function salesByPeriod(db: Db, scope: InsightScope, granularity: Granularity): Promise<Map<string, SalesFigures>> {
  const rows = await runReadShape<{ period: string } & Record<string, string>>(
    db,
    scopeKey('salesByPeriod', scope),
    () =>
      scoped(db, 'insight_sales_daily', scope)
        .select({ period: periodOf(db) })
        .select(db.raw(SALES_SUMS.join(', ')))
        .groupBy('period'),
    scopeParams(scope, { granularity }),
  );
  return new Map(rows.map(({ period, ...sums }) => [period, numbers(sums) as unknown as SalesFigures]));
}

/** Per course over the window, best-selling first (by net, then gross), at most `limit` courses. */
export async function salesByCourse(
  db: Db,
  scope: InsightScope,
  limit: number,
): Promise<({ course_id: string; title: string } & SalesFigures)[]> {
  const rows = await runReadShape<{ course_id: string; title: string } & Record<string, string>>(
    db,
    scopeKey('salesByCourse', scope),
    () => {
      const sums = scoped(db, 'insight_sales_daily', scope)
        .select('course_id')
        .select(db.raw(SALES_SUMS.join(', ')))
        .groupBy('course_id');
      return db
        .from(sums.as('s'))
        .join('courses as c', 'c.id', 's.course_id')
        .select('s.*', 'c.title')
        .orderByRaw('(s.gross_cents - s.refunded_cents) DESC, s.gross_cents DESC, s.course_id')
        .limit(intParam('limit'));
    },
    scopeParams(scope, { limit }),
  );
  // Object.assign, not `{ key, ...spread }` (a new hidden class per row on Node 20: see src/presenters/courses.ts).
  return rows.map(({ course_id, title, ...figures }) => Object.assign({ course_id, title }, numbers(figures) as unknown as SalesFigures));
}

export async function learningByPeriod(
  db: Db,
  scope: InsightScope,
  granularity: Granularity,
): Promise<Map<string, { enrollments: number; completions: number }>> {
  const rows = await runReadShape<{ period: string; enrollments: string; completions: string }>(
    db,
    scopeKey('learningByPeriod', scope),
    () =>
      scoped(db, 'insight_learning_daily', scope)
        .select({ period: periodOf(db) })
        .select(db.raw('sum(enrollments) AS enrollments, sum(completions) AS completions'))
        .groupBy('period'),
    scopeParams(scope, { granularity }),
  );
  return new Map(rows.map(({ period, ...sums }) => [period, numbers(sums)]));
}

/** Enrollments whose latest activity is on or after `since` (one row per learner and course). */
export async function activeLearnersSince(db: Db, instructorId: string, courseId: string | undefined, since: string): Promise<number> {
  const [row] = await runReadShape<{ n: string }>(
    db,
    scopeKey('activeLearnersSince', { courseId }),
    () => {
      const q = db('insight_learning_daily').where('instructor_id', param('instructor')).where('day', '>=', param('since'));
      if (courseId) q.where('course_id', param('course'));
      return q.first(db.raw('coalesce(sum(last_active_learners), 0) AS n'));
    },
    { instructor: instructorId, since, course: courseId },
  );
  return Number(row?.n);
}

export async function learnerTotals(
  db: Db,
  instructorId: string,
  courseId: string | undefined,
): Promise<{ learners: number; completed_learners: number; progress_percent_sum: number }> {
  const [row] = await runReadShape<Record<string, string | null>>(
    db,
    scopeKey('learnerTotals', { courseId }),
    () => {
      const q = db('insight_course_learners').where('instructor_id', param('instructor'));
      if (courseId) q.where('course_id', param('course'));
      return q.first(
        db.raw(
          'sum(learners) AS learners, sum(completed_learners) AS completed_learners, sum(progress_percent_sum) AS progress_percent_sum',
        ),
      );
    },
    { instructor: instructorId, course: courseId },
  );
  return numbers(row ?? {}) as { learners: number; completed_learners: number; progress_percent_sum: number };
}

export interface ReviewFigures {
  reviews_count: number;
  rating_sum: number;
  rating_1: number;
  rating_2: number;
  rating_3: number;
  rating_4: number;
  rating_5: number;
}

const REVIEW_SUMS = ['reviews_count', 'rating_sum', 'rating_1', 'rating_2', 'rating_3', 'rating_4', 'rating_5']
  .map((c) => `sum(${c}) AS ${c}`)
  .join(', ');

export async function reviewsByPeriod(db: Db, scope: InsightScope, granularity: Granularity): Promise<Map<string, ReviewFigures>> {
  const rows = await runReadShape<{ period: string } & Record<string, string>>(
    db,
    scopeKey('reviewsByPeriod', scope),
    () =>
      scoped(db, 'insight_reviews_daily', scope)
        .select({ period: periodOf(db) })
        .select(db.raw(REVIEW_SUMS))
        .groupBy('period'),
    scopeParams(scope, { granularity }),
  );
  return new Map(rows.map(({ period, ...sums }) => [period, numbers(sums) as unknown as ReviewFigures]));
}

export interface LessonEngagementRow {
  lesson_id: string;
  title: string;
  section_id: string;
  section_title: string;
  learners_started: number;
  learners_completed: number;
  learners_stopped: number;
}

/** The course's lessons in curriculum order with their figures (0 for a lesson nobody has opened yet). */
export async function lessonEngagement(db: Db, courseId: string): Promise<LessonEngagementRow[]> {
  return runReadShape<LessonEngagementRow>(
    db,
    'insights:lessonEngagement',
    () =>
      db('lessons as l')
        .join('sections as s', 's.id', 'l.section_id')
        .leftJoin('insight_lesson_engagement as e', (on) => on.on('e.lesson_id', 'l.id').andOn('e.course_id', 'l.course_id'))
        .where('l.course_id', param('course'))
        .orderBy([{ column: 's.position' }, { column: 'l.position' }, { column: 'l.id' }])
        .select(
          'l.id as lesson_id',
          'l.title',
          's.id as section_id',
          's.title as section_title',
          db.raw('coalesce(e.learners_started, 0) AS learners_started'),
          db.raw('coalesce(e.learners_completed, 0) AS learners_completed'),
          db.raw('coalesce(e.learners_stopped, 0) AS learners_stopped'),
        ),
    { course: courseId },
  );
}

/** The course's owner, or undefined for an unknown course. */
export async function courseInstructor(db: Db, courseId: string): Promise<string | undefined> {
  const [row] = await runReadShape<{ instructor_id: string }>(
    db,
    'insights:courseInstructor',
    () =>
      db('courses')
        .where({ id: param('course') })
        .first('instructor_id'),
    { course: courseId },
  );
  return row?.instructor_id;
}
