import crypto from 'node:crypto';
import type { Knex } from 'knex';

export interface CourseFixture {
  id: string;
  slug: string;
  instructorId: string;
  categoryId: string;
  sectionIds: string[];
  lessonIds: string[];
  priceCents: number;
}

export interface CourseOptions {
  title?: string;
  instructorId?: string;
  categoryName?: string;
  priceCents?: number;
  originalPriceCents?: number | null;
  level?: 'Beginner' | 'Intermediate' | 'Advanced' | 'All Levels';
  language?: string;
  published?: boolean;
  sections?: number;
  lessonsPerSection?: number;
  lessonMinutes?: number;
  description?: string;
  shortDescription?: string;
  /** Raw column values written with the course row (student_count, rating_*, published_at, last_updated, ...). */
  columns?: Record<string, unknown>;
}

const uid = (): string => crypto.randomBytes(4).toString('hex');

/** An instructor row (not logged in: use registerInstructor from ../users for a token). */
export async function insertInstructor(db: Knex, name = { first: 'Angela', last: 'Yu' }): Promise<string> {
  const [row] = await db('users')
    .insert({
      email: `instructor-${uid()}@example.com`,
      password_hash: 'x',
      first_name: name.first,
      last_name: name.last,
      is_instructor: true,
    })
    .returning('id');
  return (row as { id: string }).id;
}

export async function upsertCategory(db: Knex, name: string): Promise<string> {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  // DO NOTHING on any unique index, then read: factories upsert one category from parallel inserts, and an upsert
  // arbitrated on slug alone still fails on categories_name_unique when two of them race.
  await db('categories').insert({ name, slug }).onConflict().ignore();
  const row = await db('categories').where({ slug }).first('id');
  return (row as { id: string }).id;
}

/**
 * A course with sections and lessons, its derived aggregates (lesson_count, duration_minutes) consistent with
 * them, published by default. The first lesson of each course is a preview with a video URL.
 */
export async function insertCourse(db: Knex, opts: CourseOptions = {}): Promise<CourseFixture> {
  const instructorId = opts.instructorId ?? (await insertInstructor(db));
  const categoryId = await upsertCategory(db, opts.categoryName ?? 'Development');
  const title = opts.title ?? `Course ${uid()}`;
  const slug = `${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}-${uid()}`;
  const sections = opts.sections ?? 2;
  const perSection = opts.lessonsPerSection ?? 2;
  const minutes = opts.lessonMinutes ?? 10;
  const published = opts.published ?? true;
  const priceCents = opts.priceCents ?? 8999;
  const [course] = await db('courses')
    .insert({
      instructor_id: instructorId,
      category_id: categoryId,
      title,
      slug,
      short_description: opts.shortDescription ?? `${title} in short`,
      description: opts.description ?? `${title}: everything you need.`,
      thumbnail: 'https://images.example.com/thumb.jpg',
      level: opts.level ?? 'Beginner',
      language: opts.language ?? 'English',
      price_cents: priceCents,
      original_price_cents: opts.originalPriceCents === undefined ? null : opts.originalPriceCents,
      is_published: published,
      published_at: published ? db.fn.now() : null,
      lesson_count: sections * perSection,
      duration_minutes: sections * perSection * minutes,
      ...opts.columns,
    })
    .returning(['id', 'slug']);
  const courseId = (course as { id: string }).id;
  const sectionIds: string[] = [];
  const lessonIds: string[] = [];
  for (let s = 1; s <= sections; s++) {
    const [section] = await db('sections')
      .insert({ course_id: courseId, title: `Section ${s}`, position: s })
      .returning('id');
    const sectionId = (section as { id: string }).id;
    sectionIds.push(sectionId);
    const rows = Array.from({ length: perSection }, (_, i) => ({
      section_id: sectionId,
      course_id: courseId,
      title: `Lesson ${s}.${i + 1}`,
      duration_minutes: minutes,
      position: i + 1,
      is_preview: s === 1 && i === 0,
      video_url: `https://player.example.com/video/${s}-${i + 1}`,
    }));
    const inserted = (await db('lessons').insert(rows).returning('id')) as { id: string }[];
    lessonIds.push(...inserted.map((r) => r.id));
  }
  return { id: courseId, slug: (course as { slug: string }).slug, instructorId, categoryId, sectionIds, lessonIds, priceCents };
}

/** An active enrollment row (what a purchase or a free enroll creates), with lesson totals snapshotted. */
export async function insertEnrollment(
  db: Knex,
  userId: string,
  course: CourseFixture,
  source: 'free' | 'purchase' | 'seed' = 'seed',
): Promise<string> {
  const [row] = await db('enrollments')
    .insert({ user_id: userId, course_id: course.id, source, status: 'active', total_lessons: course.lessonIds.length })
    .returning('id');
  return (row as { id: string }).id;
}

/** A learner row without a login (sign a token with deps.tokens.signAccess when one is needed). */
export async function insertLearner(db: Knex, name = { first: 'Lea', last: 'Rner' }): Promise<string> {
  const [row] = await db('users')
    .insert({ email: `learner-${uid()}${uid()}@example.com`, password_hash: 'x', first_name: name.first, last_name: name.last })
    .returning('id');
  return (row as { id: string }).id;
}
