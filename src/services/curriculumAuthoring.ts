import type { Knex } from 'knex';
import type { Deps } from '../deps';
import { AppError, validationError } from '../errors';
import type { Schemas } from '../schemas';
import { withTransaction } from '../db/transaction';
import { authoringLesson, authoringSection } from '../presenters/courses';
import { type CourseStateRow, refreshCourseContent, touchCourse } from '../repositories/courses';
import {
  countCourseLessons,
  countSectionLessons,
  countSections,
  deleteLessonRow,
  deleteSectionRow,
  findLesson,
  findSection,
  insertLesson,
  insertSection,
  lessonsWithOrder,
  type SectionRow,
  shiftSiblings,
  updateLessonRow,
  updateSectionRow,
} from '../repositories/curriculum';
import { lockOwnCourse } from './authoring';
import { assertRoomForLesson, assertRoomForSection } from './curriculumLimits';

/** A 1-based position asked for, clamped to [1, last]; omitted or past the end means last. */
const clampPosition = (asked: number | undefined, last: number): number => Math.min(asked ?? last, last);

/** A published course must keep a lesson: removing `removing` of its lessons must leave at least one. */
async function assertKeepsALesson(trx: Knex.Transaction, course: CourseStateRow, removing: number): Promise<void> {
  if (!course.is_published || removing === 0) return;
  if ((await countCourseLessons(trx, course.id)) - removing <= 0) {
    throw new AppError('COURSE_INCOMPLETE', 'A published course must keep at least one lesson. Unpublish it first.', {
      lessons: ['A published course must keep at least one lesson.'],
    });
  }
}

/** Every step of a curriculum change runs with the course row locked, so concurrent edits of one course serialize. */
function withOwnCourse<T>(
  deps: Deps,
  userId: string,
  courseId: string,
  work: (trx: Knex.Transaction, course: CourseStateRow) => Promise<T>,
): Promise<T> {
  return withTransaction(deps.db, async (trx) => work(trx, await lockOwnCourse(trx, courseId, userId)));
}

async function sectionView(trx: Knex.Transaction, section: SectionRow): Promise<Schemas['AuthoringSection']> {
  const fresh = (await findSection(trx, section.course_id, section.id)) as SectionRow;
  return authoringSection(fresh, await lessonsWithOrder(trx, section.course_id, { sectionId: section.id }));
}

async function lessonView(trx: Knex.Transaction, courseId: string, lessonId: string): Promise<Schemas['AuthoringLesson']> {
  const [lesson] = await lessonsWithOrder(trx, courseId, { lessonId });
  if (!lesson) throw new AppError('LESSON_NOT_FOUND');
  return authoringLesson(lesson);
}

export async function createSection(
  deps: Deps,
  userId: string,
  courseId: string,
  input: Schemas['AuthoringSectionCreateRequest'],
): Promise<Schemas['AuthoringSection']> {
  return withOwnCourse(deps, userId, courseId, async (trx) => {
    await assertRoomForSection(trx, courseId);
    const position = clampPosition(input.order, (await countSections(trx, courseId)) + 1);
    await shiftSiblings(trx, 'sections', { column: 'course_id', id: courseId }, null, position);
    const section = await insertSection(trx, {
      course_id: courseId,
      title: input.title.trim(),
      description: input.description ?? '',
      position,
    });
    await touchCourse(trx, courseId);
    return sectionView(trx, section);
  });
}

export async function updateSection(
  deps: Deps,
  userId: string,
  courseId: string,
  sectionId: string,
  input: Schemas['AuthoringSectionUpdateRequest'],
): Promise<Schemas['AuthoringSection']> {
  return withOwnCourse(deps, userId, courseId, async (trx) => {
    const section = await findSection(trx, courseId, sectionId);
    if (!section) throw new AppError('SECTION_NOT_FOUND');
    const changes: Record<string, unknown> = {};
    if (input.title !== undefined) changes.title = input.title.trim();
    if (input.description !== undefined) changes.description = input.description;
    if (input.order !== undefined) {
      const position = clampPosition(input.order, await countSections(trx, courseId));
      await shiftSiblings(trx, 'sections', { column: 'course_id', id: courseId }, section.position, position);
      changes.position = position;
    }
    await updateSectionRow(trx, sectionId, changes);
    await touchCourse(trx, courseId);
    return sectionView(trx, section);
  });
}

export function deleteSection(deps: Deps, userId: string, courseId: string, sectionId: string): Promise<void> {
  return withOwnCourse(deps, userId, courseId, async (trx, course) => {
    const section = await findSection(trx, courseId, sectionId);
    if (!section) throw new AppError('SECTION_NOT_FOUND');
    const lessons = await countSectionLessons(trx, sectionId);
    await assertKeepsALesson(trx, course, lessons);
    await deleteSectionRow(trx, sectionId);
    await shiftSiblings(trx, 'sections', { column: 'course_id', id: courseId }, section.position, null);
    await refreshCourseContent(trx, courseId, { lessonsAddedOrRemoved: lessons > 0 });
  });
}

export async function createLesson(
  deps: Deps,
  userId: string,
  courseId: string,
  sectionId: string,
  input: Schemas['AuthoringLessonCreateRequest'],
): Promise<Schemas['AuthoringLesson']> {
  return withOwnCourse(deps, userId, courseId, async (trx) => {
    if (!(await findSection(trx, courseId, sectionId))) throw new AppError('SECTION_NOT_FOUND');
    await assertRoomForLesson(trx, courseId, sectionId, true);
    const position = clampPosition(input.position, (await countSectionLessons(trx, sectionId)) + 1);
    await shiftSiblings(trx, 'lessons', { column: 'section_id', id: sectionId }, null, position);
    const lessonId = await insertLesson(trx, {
      course_id: courseId,
      section_id: sectionId,
      title: input.title.trim(),
      description: input.description ?? '',
      duration_minutes: input.duration_minutes,
      position,
      is_preview: input.is_preview ?? false,
      video_url: input.video_url ?? null,
      resources: JSON.stringify(input.resources ?? []),
    });
    await refreshCourseContent(trx, courseId, { lessonsAddedOrRemoved: true });
    return lessonView(trx, courseId, lessonId);
  });
}

export async function updateLesson(
  deps: Deps,
  userId: string,
  courseId: string,
  lessonId: string,
  input: Schemas['AuthoringLessonUpdateRequest'],
): Promise<Schemas['AuthoringLesson']> {
  return withOwnCourse(deps, userId, courseId, async (trx) => {
    const lesson = await findLesson(trx, courseId, lessonId);
    if (!lesson) throw new AppError('LESSON_NOT_FOUND');
    const changes: Record<string, unknown> = {};
    if (input.title !== undefined) changes.title = input.title.trim();
    for (const field of ['description', 'duration_minutes', 'is_preview', 'video_url'] as const) {
      if (input[field] !== undefined) changes[field] = input[field];
    }
    if (input.resources !== undefined) changes.resources = JSON.stringify(input.resources);

    const targetSection = input.section_id ?? lesson.section_id;
    if (targetSection !== lesson.section_id) {
      if (!(await findSection(trx, courseId, targetSection))) throw validationError({ section_id: ['Not a section of this course.'] });
      await assertRoomForLesson(trx, courseId, targetSection, false);
      await shiftSiblings(trx, 'lessons', { column: 'section_id', id: lesson.section_id }, lesson.position, null);
      const position = clampPosition(input.position, (await countSectionLessons(trx, targetSection)) + 1);
      await shiftSiblings(trx, 'lessons', { column: 'section_id', id: targetSection }, null, position);
      Object.assign(changes, { section_id: targetSection, position });
    } else if (input.position !== undefined) {
      const position = clampPosition(input.position, await countSectionLessons(trx, targetSection));
      await shiftSiblings(trx, 'lessons', { column: 'section_id', id: targetSection }, lesson.position, position);
      changes.position = position;
    }
    if (Object.keys(changes).length > 0) await updateLessonRow(trx, lessonId, changes);
    await refreshCourseContent(trx, courseId, { lessonsAddedOrRemoved: false });
    return lessonView(trx, courseId, lessonId);
  });
}

export function deleteLesson(deps: Deps, userId: string, courseId: string, lessonId: string): Promise<void> {
  return withOwnCourse(deps, userId, courseId, async (trx, course) => {
    const lesson = await findLesson(trx, courseId, lessonId);
    if (!lesson) throw new AppError('LESSON_NOT_FOUND');
    await assertKeepsALesson(trx, course, 1);
    await deleteLessonRow(trx, lessonId);
    await shiftSiblings(trx, 'lessons', { column: 'section_id', id: lesson.section_id }, lesson.position, null);
    await refreshCourseContent(trx, courseId, { lessonsAddedOrRemoved: true });
  });
}
