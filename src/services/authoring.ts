import type { Knex } from 'knex';
import type { Deps } from '../deps';
import { AppError, type ErrorDetails, validationError } from '../errors';
import type { Schemas } from '../schemas';
import { amountToCents } from '../money';
import { withTransaction } from '../db/transaction';
import { enqueueJob } from '../jobs/outbox';
import { type PageSlice, pageRequest, pageSlice } from '../pagination';
import { courseListItem } from '../presenters/courses';
import { categoryExists } from '../repositories/categories';
import {
  type CourseStateRow,
  insertCourseWithUniqueSlug,
  listTaughtCourses,
  lockCourse,
  setCoursePublished,
  updateCourseColumns,
} from '../repositories/courses';
import { countCourseLessons } from '../repositories/curriculum';
import { findUserById } from '../repositories/users';
import { viewerFlags } from '../repositories/viewerState';
import { courseView } from './courses';
import { slugify } from './slugs';
import type { Db } from '../db/knex';

type CreateInput = Schemas['AuthoringCourseCreateRequest'];
type UpdateInput = Schemas['AuthoringCourseUpdateRequest'];

/** Authoring is for instructors: a learner gets the guide's 403 PERMISSION_DENIED. */
export async function requireInstructor(db: Knex, userId: string): Promise<void> {
  const user = await findUserById(db, userId);
  if (!user) throw new AppError('TOKEN_INVALID');
  if (!user.is_instructor) throw new AppError('PERMISSION_DENIED');
}

/**
 * Only the course's instructor may change it. Someone else learns that a published course exists (403) but not
 * that an unpublished one does (404, as for an unknown id).
 */
export function assertOwner(course: CourseStateRow | undefined, userId: string): CourseStateRow {
  if (!course) throw new AppError('COURSE_NOT_FOUND');
  if (course.instructor_id !== userId) {
    if (course.is_published) throw new AppError('PERMISSION_DENIED');
    throw new AppError('COURSE_NOT_FOUND');
  }
  return course;
}

/** Locks the caller's own course for a change (see assertOwner for what others are told). */
export async function lockOwnCourse(trx: Knex.Transaction, courseId: string, userId: string): Promise<CourseStateRow> {
  return assertOwner(await lockCourse(trx, courseId), userId);
}

const hasAtMostTwoDecimals = (amount: number): boolean => Math.abs(amount * 100 - Math.round(amount * 100)) < 1e-6;

/** Stripe's minimum charge in USD cents. */
const MIN_CHARGE_CENTS = 50;

/** The field checks JSON Schema cannot express, on the course as it will be after the change. */
async function checkCourseFields(
  db: Db,
  input: UpdateInput,
  after: { price_cents: number | null; original_price_cents: number | null; is_published: boolean },
): Promise<void> {
  const errors: ErrorDetails = {};
  if (input.title !== undefined && input.title.trim().length < 5) errors.title = ['Ensure this field has at least 5 characters.'];
  for (const field of ['price', 'original_price'] as const) {
    const amount = input[field];
    if (typeof amount === 'number' && !hasAtMostTwoDecimals(amount))
      errors[field] = ['Ensure that there are no more than 2 decimal places.'];
  }
  // Stripe charges at least 0.50 USD: a cheaper paid course could never be bought.
  if (!errors.price && typeof input.price === 'number' && input.price > 0 && input.price < MIN_CHARGE_CENTS / 100) {
    errors.price = [`A paid course costs at least ${(MIN_CHARGE_CENTS / 100).toFixed(2)} (0 makes it free).`];
  }
  if (
    !errors.price &&
    !errors.original_price &&
    after.original_price_cents !== null &&
    after.price_cents !== null &&
    after.original_price_cents <= after.price_cents
  ) {
    errors.original_price = ['Must be greater than price.'];
  }
  if (after.is_published) {
    for (const field of ['short_description', 'description'] as const) {
      if (input[field] !== undefined && (input[field] as string).trim() === '')
        errors[field] = ['A published course cannot have this field empty.'];
    }
  }
  if (input.category_id !== undefined && !(await categoryExists(db, input.category_id))) errors.category_id = ['Unknown category.'];
  if (Object.keys(errors).length > 0) throw validationError(errors);
}

/** The columns an edit writes, from the request's fields (absent fields are left alone). */
function courseColumns(input: UpdateInput): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (input.title !== undefined) columns.title = input.title.trim();
  for (const field of [
    'short_description',
    'description',
    'category_id',
    'level',
    'language',
    'thumbnail',
    'preview_video_url',
    'certificate_included',
  ] as const) {
    if (input[field] !== undefined) columns[field] = typeof input[field] === 'string' ? (input[field] as string).trim() : input[field];
  }
  if (input.price !== undefined) columns.price_cents = amountToCents(input.price);
  if (input.original_price !== undefined)
    columns.original_price_cents = input.original_price === null ? null : amountToCents(input.original_price);
  for (const field of ['outcomes', 'requirements'] as const) {
    if (input[field] !== undefined) columns[field] = JSON.stringify((input[field] as string[]).map((s) => s.trim()));
  }
  return columns;
}

export async function createCourse(deps: Deps, userId: string, input: CreateInput): Promise<Schemas['CatalogCourseDetail']> {
  await requireInstructor(deps.db, userId);
  const columns = courseColumns(input);
  await checkCourseFields(deps.db, input, {
    price_cents: (columns.price_cents as number | undefined) ?? null,
    original_price_cents: (columns.original_price_cents as number | null | undefined) ?? null,
    is_published: false,
  });
  const id = await withTransaction(deps.db, (trx) =>
    insertCourseWithUniqueSlug(trx, slugify(columns.title as string), { ...columns, instructor_id: userId, is_published: false }),
  );
  return courseView(deps.db, id, userId);
}

export async function updateCourse(
  deps: Deps,
  userId: string,
  courseId: string,
  input: UpdateInput,
): Promise<Schemas['CatalogCourseDetail']> {
  await withTransaction(deps.db, async (trx) => {
    const course = await lockOwnCourse(trx, courseId, userId);
    const columns = courseColumns(input);
    await checkCourseFields(trx, input, {
      price_cents: 'price_cents' in columns ? (columns.price_cents as number) : course.price_cents,
      original_price_cents:
        'original_price_cents' in columns ? (columns.original_price_cents as number | null) : course.original_price_cents,
      is_published: course.is_published,
    });
    await updateCourseColumns(trx, courseId, columns);
    if (course.is_published && input.category_id !== undefined && input.category_id !== course.category_id)
      await rankingChanged(trx, courseId);
  });
  return courseView(deps.db, courseId, userId);
}

/**
 * Bestsellers are ranked among the published courses of a category: entering or leaving the catalog, or another
 * category, moves the ranks, so the stats worker re-ranks the course's category after the change commits.
 */
function rankingChanged(trx: Knex.Transaction, courseId: string): Promise<string> {
  return enqueueJob(trx, 'recompute-course-stats', { courseId });
}

/** What publishing needs and is missing, every item at once (422 COURSE_INCOMPLETE's details). */
async function missingForPublication(trx: Knex.Transaction, course: CourseStateRow): Promise<ErrorDetails> {
  const missing: ErrorDetails = {};
  if (!course.short_description?.trim()) missing.short_description = ['Add a short description.'];
  if (!course.description?.trim()) missing.description = ['Add a description.'];
  if (!course.category_id) missing.category_id = ['Choose a category.'];
  if (course.price_cents === null) missing.price = ['Set a price (0 for a free course).'];
  if (!course.thumbnail) missing.thumbnail = ['Add a course image.'];
  if ((await countCourseLessons(trx, course.id)) === 0) missing.lessons = ['Add at least one lesson.'];
  return missing;
}

export async function publishCourse(deps: Deps, userId: string, courseId: string): Promise<Schemas['CatalogCourseDetail']> {
  await withTransaction(deps.db, async (trx) => {
    const course = await lockOwnCourse(trx, courseId, userId);
    if (course.is_published) return;
    const missing = await missingForPublication(trx, course);
    if (Object.keys(missing).length > 0) throw new AppError('COURSE_INCOMPLETE', undefined, missing);
    await setCoursePublished(trx, courseId, true);
    await rankingChanged(trx, courseId);
  });
  return courseView(deps.db, courseId, userId);
}

export async function unpublishCourse(deps: Deps, userId: string, courseId: string): Promise<Schemas['CatalogCourseDetail']> {
  await withTransaction(deps.db, async (trx) => {
    const course = await lockOwnCourse(trx, courseId, userId);
    if (!course.is_published) return;
    await setCoursePublished(trx, courseId, false);
    await rankingChanged(trx, courseId);
  });
  return courseView(deps.db, courseId, userId);
}

/** The instructor's own courses, published or not, most recently updated first. */
export async function listMyTaughtCourses(
  deps: Deps,
  userId: string,
  q: { page?: number; page_size?: number },
): Promise<PageSlice<Schemas['AuthoringCourseListPage']['results'][number]>> {
  await requireInstructor(deps.db, userId);
  const page = pageRequest(q);
  const { rows, count } = await listTaughtCourses(deps.db, userId, { limit: page.pageSize, offset: page.offset });
  const flags = await viewerFlags(
    deps.db,
    userId,
    rows.map((r) => r.id),
  );
  const results = rows.map((row) => courseListItem(row, flags.get(row.id)));
  return pageSlice(results, count, page);
}
