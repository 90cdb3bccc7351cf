import type { Knex } from 'knex';
import type { components } from '../generated/api';
import type { Db } from '../db/knex';
import { param, runReadShape } from '../db/sqlShapes';

export type Level = components['schemas']['Level'];
export const LEVELS: readonly Level[] = ['Beginner', 'Intermediate', 'Advanced', 'All Levels'];

/** The star counts a course keeps beside its average; they are the source of the shown rating. */
export interface RatingCounts {
  rating_count: number;
  rating_1: number;
  rating_2: number;
  rating_3: number;
  rating_4: number;
  rating_5: number;
}

/** What a catalog list item shows: the course's own columns plus its category and instructor names. */
export interface CourseListRow extends RatingCounts {
  id: string;
  title: string;
  slug: string;
  short_description: string | null;
  thumbnail: string | null;
  rating_avg: number;
  review_count: number;
  student_count: number;
  duration_minutes: number;
  lesson_count: number;
  level: Level;
  language: string;
  price_cents: number | null;
  original_price_cents: number | null;
  is_bestseller: boolean;
  is_published: boolean;
  published_at: Date | null;
  last_updated: Date;
  instructor_id: string;
  instructor_first_name: string;
  instructor_last_name: string;
  category_id: string | null;
  category_name: string | null;
}

/** The course page's row: the list columns plus the long fields and the instructor's public profile. */
export interface CourseDetailRow extends CourseListRow {
  description: string | null;
  preview_video_url: string | null;
  outcomes: string[];
  requirements: string[];
  certificate_included: boolean;
  instructor_email: string;
  instructor_bio: string | null;
  instructor_profile_picture: string | null;
}

/** The columns the write paths decide on (ownership, publication, completeness, prices). */
export interface CourseStateRow {
  id: string;
  instructor_id: string;
  is_published: boolean;
  published_at: Date | null;
  short_description: string | null;
  description: string | null;
  category_id: string | null;
  price_cents: number | null;
  original_price_cents: number | null;
  thumbnail: string | null;
  lesson_count: number;
}

const LIST_COLUMNS = [
  'c.id',
  'c.title',
  'c.slug',
  'c.short_description',
  'c.thumbnail',
  'c.rating_avg',
  'c.rating_count',
  'c.review_count',
  'c.rating_1',
  'c.rating_2',
  'c.rating_3',
  'c.rating_4',
  'c.rating_5',
  'c.student_count',
  'c.duration_minutes',
  'c.lesson_count',
  'c.level',
  'c.language',
  'c.price_cents',
  'c.original_price_cents',
  'c.is_bestseller',
  'c.is_published',
  'c.published_at',
  'c.last_updated',
  'c.instructor_id',
  'c.category_id',
  'u.first_name AS instructor_first_name',
  'u.last_name AS instructor_last_name',
  'cat.name AS category_name',
];

const DETAIL_COLUMNS = [
  ...LIST_COLUMNS,
  'c.description',
  'c.preview_video_url',
  'c.outcomes',
  'c.requirements',
  'c.certificate_included',
  'u.email AS instructor_email',
  'u.bio AS instructor_bio',
  'u.profile_picture AS instructor_profile_picture',
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function withNames(db: Db, columns: string[]): Knex.QueryBuilder {
  return db({ c: 'courses' })
    .join({ u: 'users' }, 'u.id', 'c.instructor_id')
    .leftJoin({ cat: 'categories' }, 'cat.id', 'c.category_id')
    .select(columns);
}

/**
 * The list rows of one page, given a subquery that yields `id` and the sort keys `s0` (and `id`) of that
 * page in order. Joining names after the page is cut keeps deep pages from joining every skipped row.
 */
export function selectListRows(
  db: Db,
  page: Knex.QueryBuilder | Knex.Raw,
  order: Array<{ column: string; dir: 'asc' | 'desc' }>,
): Promise<CourseListRow[]> {
  return listRowsQuery(db, page, order) as unknown as Promise<CourseListRow[]>;
}

/** selectListRows's statement, for a caller that runs it as a shape (src/db/sqlShapes.ts). */
export function listRowsQuery(
  db: Db,
  page: Knex.QueryBuilder | Knex.Raw,
  order: Array<{ column: string; dir: 'asc' | 'desc' }>,
): Knex.QueryBuilder {
  const query = withNames(db, LIST_COLUMNS).join(db.raw('(?) AS p', [page]), 'p.id', 'c.id');
  for (const { column, dir } of order) query.orderBy(`p.${column}`, dir);
  return query;
}

/**
 * selectListRows plus the catalog versions (migrations create_catalog_version, add_catalog_order_version,
 * add_catalog_search_version) seen by the same statement, so the page and the versions come from one snapshot in
 * one round trip. The version row is right-joined: an empty page still returns it (as the only row, with a null id). Its rows go to listRowsAtVersion.
 */
export function listRowsAtVersionQuery(db: Db, page: Knex.Raw, order: Array<{ column: string; dir: 'asc' | 'desc' }>): Knex.QueryBuilder {
  const query = withNames(db, [
    ...LIST_COLUMNS,
    'cv.version AS catalog_version',
    'cv.order_version AS catalog_order_version',
    'cv.search_version AS catalog_search_version',
  ])
    .select(db.raw('p.s0::text AS sort_key'))
    .join(db.raw('(?) AS p', [page]), 'p.id', 'c.id')
    .joinRaw('RIGHT JOIN catalog_version cv ON true');
  for (const { column, dir } of order) query.orderBy(`p.${column}`, dir);
  return query;
}

export type RowAtVersion = CourseListRow & {
  catalog_version: number;
  catalog_order_version: number;
  catalog_search_version: number;
  sort_key: string | null;
};

/** The page, its versions and its first row's key from listRowsAtVersionQuery's rows. */
export function listRowsAtVersion(found: RowAtVersion[]): ListRowsAtVersion {
  const [first] = found;
  if (!first) throw new Error('catalog_version has no row');
  return {
    rows: found.filter((r) => r.id !== null),
    catalogVersion: first.catalog_version,
    orderVersion: first.catalog_order_version,
    searchVersion: first.catalog_search_version,
    firstKey: first.id === null || first.sort_key === null ? undefined : { key: first.sort_key, id: first.id },
  };
}

/** A page's rows, the catalog versions (the counters of catalog_version) and the exact sort key of its first row. */
export interface ListRowsAtVersion {
  rows: CourseListRow[];
  catalogVersion: number;
  orderVersion: number;
  searchVersion: number;
  /** The first row's sort key as text (exact: a timestamp keeps its microseconds) and id; undefined for an empty page. */
  firstKey?: { key: string; id: string };
}

/** A course by UUID or slug, with what its page shows. */
export async function findCourseDetail(db: Db, idOrSlug: string): Promise<CourseDetailRow | undefined> {
  const column = UUID.test(idOrSlug) ? 'c.id' : 'c.slug';
  const [row] = await runReadShape<CourseDetailRow>(
    db,
    `courseDetail:${column}`,
    () => withNames(db, DETAIL_COLUMNS).where(column, param('key')).first(),
    { key: idOrSlug },
  );
  return row;
}

const STATE_COLUMNS = [
  'id',
  'instructor_id',
  'is_published',
  'published_at',
  'short_description',
  'description',
  'category_id',
  'price_cents',
  'original_price_cents',
  'thumbnail',
  'lesson_count',
];

/** The course row, locked against other writers of the course (reviews, authoring) until the transaction ends. */
export function lockCourse(trx: Knex.Transaction, id: string): Promise<CourseStateRow | undefined> {
  // NO KEY UPDATE serializes the writers of the course's aggregates without blocking the foreign-key checks
  // (KEY SHARE) of concurrent enrollments, cart items and orders that reference the course.
  return trx('courses').select(STATE_COLUMNS).where({ id }).forNoKeyUpdate().first();
}

export function findCourseState(db: Db, id: string): Promise<CourseStateRow | undefined> {
  return db('courses').select(STATE_COLUMNS).where({ id }).first();
}

/**
 * Rederives the course's duration and lesson count from its lessons (and marks it changed). When lessons were
 * added or removed, every enrollment's lesson snapshot (total, completed, percent) is refreshed in the same
 * transaction too: the learning views read those snapshots. A completed enrollment stays completed, at its 100%.
 */
export async function refreshCourseContent(
  trx: Knex.Transaction,
  courseId: string,
  opts: { lessonsAddedOrRemoved: boolean },
): Promise<void> {
  await trx.raw(
    `UPDATE courses c SET duration_minutes = t.minutes, lesson_count = t.lessons, last_updated = now()
     FROM (SELECT coalesce(sum(duration_minutes), 0)::int AS minutes, count(*)::int AS lessons FROM lessons WHERE course_id = ?) t
     WHERE c.id = ?`,
    [courseId, courseId],
  );
  if (!opts.lessonsAddedOrRemoved) return;
  await trx.raw(
    `UPDATE enrollments e
     SET total_lessons = t.total, lessons_completed = t.done,
         progress_percent = CASE WHEN e.status = 'completed' THEN e.progress_percent
                                 WHEN t.total = 0 THEN 0 ELSE (t.done * 100 / t.total) END
     FROM (
       SELECT e2.id, (SELECT count(*) FROM lessons l WHERE l.course_id = e2.course_id)::int AS total,
              (SELECT count(*) FROM lesson_progress lp WHERE lp.enrollment_id = e2.id AND lp.completed_at IS NOT NULL)::int AS done
       FROM enrollments e2 WHERE e2.course_id = ?
     ) t
     WHERE e.id = t.id`,
    [courseId],
  );
}

/** Marks the course as changed (a section or lesson edit, a course edit). */
export async function touchCourse(trx: Knex.Transaction, courseId: string): Promise<void> {
  await trx('courses').where({ id: courseId }).update({ last_updated: trx.fn.now() });
}

export interface InstructorStats extends Omit<RatingCounts, 'rating_count'> {
  courses_count: number;
  students_count: number;
  rating_count: number;
}

/** The instructor's public figures: published courses, distinct learners, and the star counts of their published courses. */
export async function instructorStats(db: Db, instructorId: string): Promise<InstructorStats> {
  const rows = await runReadShape<InstructorStats>(
    db,
    'instructorStats',
    () =>
      db.raw(
        `SELECT
       count(*) FILTER (WHERE c.is_published)::int AS courses_count,
       coalesce(sum(c.rating_count) FILTER (WHERE c.is_published), 0)::int AS rating_count,
       coalesce(sum(c.rating_1) FILTER (WHERE c.is_published), 0)::int AS rating_1,
       coalesce(sum(c.rating_2) FILTER (WHERE c.is_published), 0)::int AS rating_2,
       coalesce(sum(c.rating_3) FILTER (WHERE c.is_published), 0)::int AS rating_3,
       coalesce(sum(c.rating_4) FILTER (WHERE c.is_published), 0)::int AS rating_4,
       coalesce(sum(c.rating_5) FILTER (WHERE c.is_published), 0)::int AS rating_5,
       (SELECT count(DISTINCT e.user_id) FROM enrollments e JOIN courses c2 ON c2.id = e.course_id
         WHERE c2.instructor_id = ? AND e.status <> 'refunded')::int AS students_count
     FROM courses c WHERE c.instructor_id = ?`,
        [param('instructor'), param('instructor')],
      ),
    { instructor: instructorId },
  );
  return rows[0] as InstructorStats;
}

const SLUG_BATCH = 50;

/**
 * Inserts a course under `base`, or `base-2`, `base-3`, ... when taken: free candidates are found a batch at a
 * time through the unique index, and ON CONFLICT DO NOTHING makes a concurrent creator taking the same slug
 * first simply move this one to the next candidate, so creating never fails on a clash.
 */
export async function insertCourseWithUniqueSlug(trx: Knex.Transaction, base: string, columns: Record<string, unknown>): Promise<string> {
  for (let start = 1; ; start += SLUG_BATCH) {
    const candidates = Array.from({ length: SLUG_BATCH }, (_, i) => (start + i === 1 ? base : `${base}-${start + i}`));
    const taken = new Set<string>(await trx('courses').whereIn('slug', candidates).pluck('slug'));
    for (const slug of candidates.filter((s) => !taken.has(s))) {
      const [row] = (await trx('courses')
        .insert({ ...columns, slug })
        .onConflict('slug')
        .ignore()
        .returning('id')) as Array<{ id: string }>;
      if (row) return row.id;
    }
  }
}

/** What a certificate of the course prints, as the course is now. */
export function findCertificateCourse(
  db: Db,
  courseId: string,
): Promise<{ title: string; instructor_name: string; certificate_included: boolean } | undefined> {
  return db('courses').where({ id: courseId }).first('title', 'instructor_name', 'certificate_included');
}

/** An author's edit: stamps last_updated, which orders the instructor's list. */
export async function updateCourseColumns(trx: Knex.Transaction, courseId: string, columns: Record<string, unknown>): Promise<void> {
  await trx('courses')
    .where({ id: courseId })
    .update({ ...columns, last_updated: trx.fn.now() });
}

/** published_at is the first publication: is_new counts from it, and re-publishing does not reset it. */
export async function setCoursePublished(trx: Knex.Transaction, courseId: string, published: boolean): Promise<void> {
  await trx('courses')
    .where({ id: courseId })
    .update(published ? { is_published: true, published_at: trx.raw('coalesce(published_at, now())') } : { is_published: false });
}

/** One page of an instructor's own courses, published or not, most recently updated first, and their count. */
export async function listTaughtCourses(
  db: Db,
  instructorId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: CourseListRow[]; count: number }> {
  const ids = db('courses')
    .select('id', 'last_updated AS s0')
    .where({ instructor_id: instructorId })
    .orderBy([
      { column: 'last_updated', order: 'desc' },
      { column: 'id', order: 'asc' },
    ])
    .limit(page.limit)
    .offset(page.offset);
  const [rows, [counted]] = await Promise.all([
    selectListRows(db, ids, [
      { column: 's0', dir: 'desc' },
      { column: 'id', dir: 'asc' },
    ]),
    db('courses').where({ instructor_id: instructorId }).count({ n: '*' }),
  ]);
  return { rows, count: Number((counted as { n: number }).n) };
}
