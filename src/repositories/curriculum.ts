import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { param, runReadShape } from '../db/sqlShapes';

export interface SectionRow {
  id: string;
  course_id: string;
  title: string;
  description: string | null;
  position: number;
}

export interface LessonRow {
  id: string;
  section_id: string;
  course_id: string;
  title: string;
  description: string | null;
  duration_minutes: number;
  position: number;
  is_preview: boolean;
  video_url: string | null;
  resources: string[];
  /** 1-based number of the lesson across the whole course, section by section. */
  lesson_order: number;
}

/** A curriculum line: a section, and one of its lessons with the viewer's progress (null columns for an empty section). */
export interface CurriculumRow {
  section_id: string;
  section_title: string;
  section_description: string | null;
  section_position: number;
  id: string | null;
  title: string | null;
  description: string | null;
  duration_minutes: number | null;
  position: number | null;
  is_preview: boolean | null;
  video_url: string | null;
  resources: string[] | null;
  lesson_order: number | null;
  completed_at: Date | null;
  watch_time_seconds: number | null;
}

// The course-wide number of each lesson: lessons counted in section order, then position.
const LESSON_ORDER = 'count(l.id) OVER (ORDER BY s.position, l.position ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)::int';

/** The whole curriculum in order, with the viewer's own progress when they hold a (non-refunded) enrollment. */
export function loadCurriculum(db: Db, courseId: string, userId: string | null): Promise<CurriculumRow[]> {
  return runReadShape<CurriculumRow>(
    db,
    'curriculum',
    () =>
      db.raw(
        `SELECT s.id AS section_id, s.title AS section_title, s.description AS section_description, s.position AS section_position,
            l.id, l.title, l.description, l.duration_minutes, l.position, l.is_preview, l.video_url, l.resources,
            ${LESSON_ORDER} AS lesson_order, lp.completed_at, lp.watch_time_seconds
     FROM sections s
     LEFT JOIN lessons l ON l.section_id = s.id
     LEFT JOIN enrollments e ON e.course_id = s.course_id AND e.user_id = ? AND e.status <> 'refunded'
     LEFT JOIN lesson_progress lp ON lp.enrollment_id = e.id AND lp.lesson_id = l.id
     WHERE s.course_id = ?
     ORDER BY s.position, l.position`,
        [param('user'), param('course')],
      ),
    { user: userId, course: courseId },
  );
}

/** The course's lessons with their course-wide order, narrowed to one section or one lesson. */
export async function lessonsWithOrder(db: Db, courseId: string, only: { sectionId?: string; lessonId?: string }): Promise<LessonRow[]> {
  const { rows } = await db.raw(
    `SELECT * FROM (
       SELECT l.id, l.section_id, l.course_id, l.title, l.description, l.duration_minutes, l.position, l.is_preview,
              l.video_url, l.resources, ${LESSON_ORDER} AS lesson_order
       FROM lessons l JOIN sections s ON s.id = l.section_id
       WHERE l.course_id = ?
     ) x
     WHERE (?::uuid IS NULL OR x.section_id = ?::uuid) AND (?::uuid IS NULL OR x.id = ?::uuid)
     ORDER BY x.lesson_order`,
    [courseId, only.sectionId ?? null, only.sectionId ?? null, only.lessonId ?? null, only.lessonId ?? null],
  );
  return rows as LessonRow[];
}

export function findSection(db: Db, courseId: string, sectionId: string): Promise<SectionRow | undefined> {
  return db('sections').where({ id: sectionId, course_id: courseId }).first();
}

export function findLesson(db: Db, courseId: string, lessonId: string): Promise<Omit<LessonRow, 'lesson_order'> | undefined> {
  return db('lessons').where({ id: lessonId, course_id: courseId }).first();
}

async function countRows(db: Db, table: 'sections' | 'lessons', where: Record<string, string>): Promise<number> {
  const [row] = await db(table).where(where).count({ n: '*' });
  return Number((row as { n: number }).n);
}

export const countSections = (db: Db, courseId: string): Promise<number> => countRows(db, 'sections', { course_id: courseId });
export const countSectionLessons = (db: Db, sectionId: string): Promise<number> => countRows(db, 'lessons', { section_id: sectionId });
export const countCourseLessons = (db: Db, courseId: string): Promise<number> => countRows(db, 'lessons', { course_id: courseId });

/**
 * Moves the siblings between two positions by one step so an item can take `to` (or leave `from`). The unique
 * position constraints are DEFERRABLE INITIALLY DEFERRED, so the transient duplicates are fine until commit.
 * `from` null: an insertion at `to` (siblings at >= to move down); `to` null: a removal from `from`.
 */
export async function shiftSiblings(
  trx: Knex.Transaction,
  table: 'sections' | 'lessons',
  parent: { column: 'course_id' | 'section_id'; id: string },
  from: number | null,
  to: number | null,
): Promise<void> {
  const q = trx(table).where(parent.column, parent.id);
  if (from === null && to !== null) await q.where('position', '>=', to).increment('position', 1);
  else if (to === null && from !== null) await q.where('position', '>', from).decrement('position', 1);
  else if (from !== null && to !== null && to < from)
    await q.where('position', '>=', to).andWhere('position', '<', from).increment('position', 1);
  else if (from !== null && to !== null && to > from)
    await q.where('position', '>', from).andWhere('position', '<=', to).decrement('position', 1);
}

export async function insertSection(
  trx: Knex.Transaction,
  section: { course_id: string; title: string; description: string; position: number },
): Promise<SectionRow> {
  const [row] = (await trx('sections').insert(section).returning('*')) as SectionRow[];
  return row as SectionRow;
}

export async function updateSectionRow(trx: Knex.Transaction, sectionId: string, changes: Record<string, unknown>): Promise<void> {
  await trx('sections').where({ id: sectionId }).update(changes);
}

export async function deleteSectionRow(trx: Knex.Transaction, sectionId: string): Promise<void> {
  await trx('sections').where({ id: sectionId }).delete();
}

/** `resources` is the JSON text of the lesson's resource list. */
export async function insertLesson(trx: Knex.Transaction, lesson: Record<string, unknown>): Promise<string> {
  const [row] = (await trx('lessons').insert(lesson).returning('id')) as Array<{ id: string }>;
  return (row as { id: string }).id;
}

export async function updateLessonRow(trx: Knex.Transaction, lessonId: string, changes: Record<string, unknown>): Promise<void> {
  await trx('lessons').where({ id: lessonId }).update(changes);
}

export async function deleteLessonRow(trx: Knex.Transaction, lessonId: string): Promise<void> {
  await trx('lessons').where({ id: lessonId }).delete();
}
