import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import type { LessonRow } from './curriculum';

/** The columns of a lesson that progress needs. */
export type LessonBrief = Pick<LessonRow, 'id' | 'course_id' | 'title' | 'duration_minutes'>;

export interface LessonProgressRow {
  enrollment_id: string;
  lesson_id: string;
  watch_time_seconds: number;
  position_seconds: number;
  completed_at: Date | null;
}

/** The lesson, only when it belongs to `courseId` (a lesson of another course is "not found" here). */
export function findLessonInCourse(db: Db, lessonId: string, courseId: string): Promise<LessonBrief | undefined> {
  return db<LessonRow>('lessons').where({ id: lessonId, course_id: courseId }).first('id', 'course_id', 'title', 'duration_minutes');
}

export function findLessonProgress(db: Db, enrollmentId: string, lessonId: string): Promise<LessonProgressRow | undefined> {
  return db<LessonProgressRow>('lesson_progress').where({ enrollment_id: enrollmentId, lesson_id: lessonId }).first();
}

/**
 * Sets completed_at once: the first call inserts or fills it, a repeat matches no row to update and changes
 * nothing. Returns the row when this call completed the lesson, undefined when it already was.
 */
export async function completeLesson(
  trx: Knex.Transaction,
  enrollmentId: string,
  lessonId: string,
  at: Date,
): Promise<LessonProgressRow | undefined> {
  const rows = (await trx('lesson_progress')
    .insert({ enrollment_id: enrollmentId, lesson_id: lessonId, completed_at: at })
    .onConflict(['enrollment_id', 'lesson_id'])
    .merge({ completed_at: at })
    .whereNull('lesson_progress.completed_at')
    .returning('*')) as LessonProgressRow[];
  return rows[0];
}

/** Writes the playback state; completed_at is only ever filled, never cleared or moved. */
export async function saveWatchProgress(
  trx: Knex.Transaction,
  row: { enrollment_id: string; lesson_id: string; watch_time_seconds: number; position_seconds: number; completed_at: Date | null },
): Promise<LessonProgressRow> {
  const [saved] = (await trx('lesson_progress')
    .insert(row)
    .onConflict(['enrollment_id', 'lesson_id'])
    .merge({
      watch_time_seconds: row.watch_time_seconds,
      position_seconds: row.position_seconds,
      completed_at: trx.raw('coalesce(lesson_progress.completed_at, excluded.completed_at)'),
    })
    .returning('*')) as LessonProgressRow[];
  return saved as LessonProgressRow;
}
