import type { Knex } from 'knex';
import { AppError } from '../errors';
import { countCourseLessons, countSectionLessons, countSections } from '../repositories/curriculum';

/**
 * How big a curriculum may grow. Together with the field lengths of the contract they bound the course page
 * (CatalogCourseDetail states the size); a section count alone would not bound the lessons of a course, so
 * the course has a lesson cap of its own. test/contract checks these against the contract's maxItems.
 */
export const CURRICULUM_LIMITS = {
  sectionsPerCourse: 30,
  lessonsPerSection: 50,
  lessonsPerCourse: 200,
  resourcesPerLesson: 5,
} as const;

const limitReached = (field: string, message: string): AppError =>
  new AppError('CURRICULUM_LIMIT_REACHED', message, { [field]: [message] });

/** Callers hold the course row lock (withOwnCourse), so the counts cannot change before the insert. */
export async function assertRoomForSection(trx: Knex.Transaction, courseId: string): Promise<void> {
  if ((await countSections(trx, courseId)) >= CURRICULUM_LIMITS.sectionsPerCourse) {
    throw limitReached('sections', `A course has at most ${CURRICULUM_LIMITS.sectionsPerCourse} sections.`);
  }
}

/** Room for one more lesson in `sectionId` (a new lesson, or one moved in); `newToCourse` counts the course too. */
export async function assertRoomForLesson(trx: Knex.Transaction, courseId: string, sectionId: string, newToCourse: boolean): Promise<void> {
  if (newToCourse && (await countCourseLessons(trx, courseId)) >= CURRICULUM_LIMITS.lessonsPerCourse) {
    throw limitReached('lessons', `A course has at most ${CURRICULUM_LIMITS.lessonsPerCourse} lessons.`);
  }
  if ((await countSectionLessons(trx, sectionId)) >= CURRICULUM_LIMITS.lessonsPerSection) {
    throw limitReached(newToCourse ? 'lessons' : 'section_id', `A section has at most ${CURRICULUM_LIMITS.lessonsPerSection} lessons.`);
  }
}
