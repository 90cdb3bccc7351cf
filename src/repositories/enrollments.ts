import type { Knex } from 'knex';
import type { Db } from '../db/knex';

export type EnrollmentStatus = 'active' | 'completed' | 'refunded';

export interface EnrollmentRow {
  id: string;
  user_id: string;
  course_id: string;
  status: EnrollmentStatus;
  progress_percent: number;
  lessons_completed: number;
  total_lessons: number;
  enrolled_at: Date;
  completed_at: Date | null;
  last_accessed_at: Date | null;
  current_lesson_id: string | null;
}

/** An enrollment with its course card, live lesson counts, the lesson to resume and its certificate. */
export interface EnrollmentViewRow extends EnrollmentRow {
  course_title: string;
  course_thumbnail: string | null;
  course_duration_minutes: number;
  course_level: 'Beginner' | 'Intermediate' | 'Advanced' | 'All Levels';
  instructor_id: string;
  instructor_name: string;
  instructor_first_name: string;
  instructor_last_name: string;
  live_total_lessons: number;
  live_lessons_completed: number;
  watched_seconds: number;
  /** Minutes of content in lessons not completed yet. */
  remaining_minutes: number;
  /** Minutes of content in lessons completed since the `since` bound of the query (pace). */
  recent_minutes: number;
  current_id: string | null;
  current_title: string | null;
  current_order: number | null;
  current_duration_minutes: number | null;
  certificate_id: string | null;
  certificate_ready: boolean;
}

/** The caller's enrollment, locked for the rest of the transaction: every progress write goes through it. */
export function lockOwnedEnrollment(trx: Knex.Transaction, userId: string, enrollmentId: string): Promise<EnrollmentRow | undefined> {
  return trx<EnrollmentRow>('enrollments').where({ id: enrollmentId, user_id: userId }).forUpdate().first();
}

// Counts are taken from lesson_progress and the course's lessons at read time, so lessons the instructor
// adds or removes later are reflected at once.
const COUNTS = `
  SELECT count(*)::int AS live_total_lessons,
         count(lp.completed_at)::int AS live_lessons_completed,
         coalesce(sum(lp.watch_time_seconds), 0)::int AS watched_seconds,
         coalesce(sum(l.duration_minutes) FILTER (WHERE lp.completed_at IS NULL), 0)::int AS remaining_minutes,
         coalesce(sum(l.duration_minutes) FILTER (WHERE lp.completed_at >= ?), 0)::int AS recent_minutes
  FROM lessons l
  LEFT JOIN lesson_progress lp ON lp.enrollment_id = e.id AND lp.lesson_id = l.id
  WHERE l.course_id = e.course_id`;

// The lesson last worked on if it is not completed, else the first uncompleted one in course order.
const CURRENT_LESSON = `
  SELECT n.id, n.title, n.ord, n.duration_minutes
  FROM (
    SELECT l.id, l.title, l.duration_minutes, lp.completed_at,
           row_number() OVER (ORDER BY s.position, l.position)::int AS ord
    FROM lessons l
    JOIN sections s ON s.id = l.section_id
    LEFT JOIN lesson_progress lp ON lp.enrollment_id = e.id AND lp.lesson_id = l.id
    WHERE l.course_id = e.course_id
  ) n
  WHERE n.completed_at IS NULL
  ORDER BY (n.id IS NOT DISTINCT FROM e.current_lesson_id) DESC, n.ord
  LIMIT 1`;

function enrollmentViews(db: Db, userId: string, since: Date = new Date(0)): Knex.QueryBuilder {
  return db('enrollments as e')
    .join('courses as c', 'c.id', 'e.course_id')
    .join('users as iu', 'iu.id', 'c.instructor_id')
    .joinRaw(`CROSS JOIN LATERAL (${COUNTS}) AS agg`, [since])
    .joinRaw(`LEFT JOIN LATERAL (${CURRENT_LESSON}) AS cur ON true`)
    .leftJoin('certificates as cert', 'cert.enrollment_id', 'e.id')
    .where('e.user_id', userId)
    .select(
      'e.*',
      'c.title as course_title',
      'c.thumbnail as course_thumbnail',
      'c.duration_minutes as course_duration_minutes',
      'c.level as course_level',
      'c.instructor_id',
      'c.instructor_name',
      'iu.first_name as instructor_first_name',
      'iu.last_name as instructor_last_name',
      'agg.*',
      'cur.id as current_id',
      'cur.title as current_title',
      'cur.ord as current_order',
      'cur.duration_minutes as current_duration_minutes',
      'cert.id as certificate_id',
      db.raw('(cert.pdf_path IS NOT NULL) AS certificate_ready'),
    );
}

/** Most recently accessed first; never-accessed ones by enrollment date, newest first. */
function byLastAccess(q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q.orderByRaw('e.last_accessed_at DESC NULLS LAST, e.enrolled_at DESC, e.id');
}

export async function listEnrollmentViews(
  db: Db,
  userId: string,
  statuses: EnrollmentStatus[],
  page: { limit: number; offset: number },
): Promise<{ rows: EnrollmentViewRow[]; count: number }> {
  const [rows, counted] = await Promise.all([
    byLastAccess(enrollmentViews(db, userId).whereIn('e.status', statuses)).limit(page.limit).offset(page.offset),
    db('enrollments').where({ user_id: userId }).whereIn('status', statuses).count<{ n: number }[]>({ n: '*' }),
  ]);
  return { rows: rows as EnrollmentViewRow[], count: Number(counted[0]?.n ?? 0) };
}

export async function findEnrollmentView(db: Db, userId: string, enrollmentId: string): Promise<EnrollmentViewRow | undefined> {
  return (await enrollmentViews(db, userId).where('e.id', enrollmentId).first()) as EnrollmentViewRow | undefined;
}

/** Enrollments still in progress, for "continue learning"; `since` bounds the pace window. */
export async function listUnfinishedEnrollmentViews(db: Db, userId: string, since: Date, limit: number): Promise<EnrollmentViewRow[]> {
  return (await byLastAccess(enrollmentViews(db, userId, since).where('e.status', 'active')).limit(limit)) as EnrollmentViewRow[];
}

export interface CurriculumLessonRow {
  section_id: string;
  section_title: string;
  section_order: number;
  id: string;
  title: string;
  duration_minutes: number;
  order: number;
  is_preview: boolean;
  video_url: string | null;
  completed_at: Date | null;
  watch_time_seconds: number | null;
  position_seconds: number | null;
}

/** Every lesson of the course in order (sections, then lessons), with the enrollment's progress on each. */
export function curriculumWithProgress(db: Db, enrollmentId: string, courseId: string): Promise<CurriculumLessonRow[]> {
  return db('lessons as l')
    .join('sections as s', 's.id', 'l.section_id')
    .leftJoin('lesson_progress as lp', (j) => j.on('lp.lesson_id', 'l.id').andOnVal('lp.enrollment_id', enrollmentId))
    .where('l.course_id', courseId)
    .orderBy([{ column: 's.position' }, { column: 'l.position' }])
    .select(
      's.id as section_id',
      's.title as section_title',
      's.position as section_order',
      'l.id',
      'l.title',
      'l.duration_minutes',
      db.raw('row_number() OVER (ORDER BY s.position, l.position)::int AS "order"'),
      'l.is_preview',
      'l.video_url',
      'lp.completed_at',
      'lp.watch_time_seconds',
      'lp.position_seconds',
    ) as unknown as Promise<CurriculumLessonRow[]>;
}

export interface ProgressCounts {
  total: number;
  completed: number;
}

/** Recounts from lesson_progress; called with the enrollment row locked so concurrent writers stay exact. */
export async function countProgress(db: Db, enrollmentId: string, courseId: string): Promise<ProgressCounts> {
  const row = (await db('lessons as l')
    .leftJoin('lesson_progress as lp', (j) => j.on('lp.lesson_id', 'l.id').andOnVal('lp.enrollment_id', enrollmentId))
    .where('l.course_id', courseId)
    .first(db.raw('count(*)::int AS total'), db.raw('count(lp.completed_at)::int AS completed'))) as ProgressCounts | undefined;
  return { total: row?.total ?? 0, completed: row?.completed ?? 0 };
}

/** floor(100 × completed / total); 0 for a course without lessons. */
export function progressPercent(counts: ProgressCounts): number {
  return counts.total === 0 ? 0 : Math.floor((100 * counts.completed) / counts.total);
}

export function isFullyCompleted(counts: ProgressCounts): boolean {
  return counts.total > 0 && counts.completed >= counts.total;
}

/** Stores the recounted snapshot; the first time every lesson is done, also completes the enrollment. */
export async function saveProgressSnapshot(
  trx: Knex.Transaction,
  enrollment: EnrollmentRow,
  counts: ProgressCounts,
  changes: { at: Date; lessonId: string },
): Promise<{ completedNow: boolean }> {
  const completedNow = enrollment.status === 'active' && isFullyCompleted(counts);
  await trx('enrollments')
    .where({ id: enrollment.id })
    .update({
      progress_percent: progressPercent(counts),
      lessons_completed: counts.completed,
      total_lessons: counts.total,
      last_accessed_at: changes.at,
      current_lesson_id: changes.lessonId,
      // A re-activated enrollment (refund, then a new purchase) keeps the date it was first completed.
      ...(completedNow ? { status: 'completed', completed_at: trx.raw('coalesce(completed_at, ?)', [changes.at]) } : {}),
    });
  return { completedNow };
}

/** Locks the learner's enrollments in the courses of one order (a refund checks their progress under it). */
export async function lockOrderEnrollments(trx: Knex.Transaction, userId: string, orderId: string): Promise<void> {
  await trx('enrollments')
    .where({ user_id: userId })
    .whereIn('course_id', trx('order_items').select('course_id').where({ order_id: orderId }))
    .forUpdate()
    .select('id');
}
