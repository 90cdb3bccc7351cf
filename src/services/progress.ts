import type { Knex } from 'knex';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { withTransaction } from '../db/transaction';
import type { Schemas } from '../schemas';
import { enqueueJob } from '../jobs/outbox';
import {
  countProgress,
  type EnrollmentRow,
  isFullyCompleted,
  lockOwnedEnrollment,
  type ProgressCounts,
  progressPercent,
  saveProgressSnapshot,
} from '../repositories/enrollments';
import { lastLearningAt, lockLearner, recordActivity } from '../repositories/learningActivity';
import {
  completeLesson,
  findLessonInCourse,
  findLessonProgress,
  type LessonBrief,
  saveWatchProgress,
} from '../repositories/lessonProgress';
import { findLearnerProfile } from '../repositories/users';
import { localDate } from '../time/zones';
import { issueCertificate } from './certificates';

/** Watching this share of a lesson completes it, as marking it complete would. */
const AUTO_COMPLETE_NUMERATOR = 9;
const AUTO_COMPLETE_DENOMINATOR = 10;

/**
 * The caller's enrollment, locked: every writer of an enrollment's progress takes this lock first, so the
 * recount below sees every committed completion and the snapshot stays exact under concurrent requests.
 */
async function lockWritableEnrollment(trx: Knex.Transaction, userId: string, enrollmentId: string): Promise<EnrollmentRow> {
  const enrollment = await lockOwnedEnrollment(trx, userId, enrollmentId);
  if (!enrollment) throw new AppError('ENROLLMENT_NOT_FOUND');
  if (enrollment.status === 'refunded') {
    throw new AppError('PERMISSION_DENIED', 'This enrollment was refunded; you no longer have access to this course.');
  }
  return enrollment;
}

async function requireLesson(trx: Knex.Transaction, lessonId: string, courseId: string): Promise<LessonBrief> {
  const lesson = await findLessonInCourse(trx, lessonId, courseId);
  if (!lesson) throw new AppError('LESSON_NOT_FOUND', 'The requested lesson does not exist in this course');
  return lesson;
}

/**
 * After a lesson's progress changed: recount, store the snapshot, complete the enrollment (with its certificate)
 * when this was the last lesson, and queue the learner's stats. All in the caller's transaction.
 */
async function applyLessonChange(trx: Knex.Transaction, enrollment: EnrollmentRow, lessonId: string, at: Date): Promise<ProgressCounts> {
  const counts = await countProgress(trx, enrollment.id, enrollment.course_id);
  const { completedNow } = await saveProgressSnapshot(trx, enrollment, counts, { at, lessonId });
  if (completedNow) await issueCertificate(trx, enrollment, at);
  await enqueueJob(trx, 'recompute-learner-stats', { userId: enrollment.user_id });
  await enqueueJob(trx, 'recompute-course-insights', { courseId: enrollment.course_id });
  return counts;
}

async function learnerTimeZone(trx: Knex.Transaction, userId: string): Promise<string> {
  return (await findLearnerProfile(trx, userId))?.timezone ?? 'UTC';
}

/** Idempotent: the first call completes the lesson; a repeat answers the same completed_at and writes nothing. */
export async function markLessonComplete(
  deps: Deps,
  userId: string,
  enrollmentId: string,
  lessonId: string,
): Promise<Schemas['LessonCompletion']> {
  return withTransaction(deps.db, async (trx) => {
    const enrollment = await lockWritableEnrollment(trx, userId, enrollmentId);
    const lesson = await requireLesson(trx, lessonId, enrollment.course_id);
    const at = new Date();
    const completed = await completeLesson(trx, enrollment.id, lesson.id, at);
    let counts: ProgressCounts;
    let completedAt: Date;
    if (completed) {
      // Completing a lesson is learning activity for the streak, on the learner's own local day.
      await recordActivity(trx, userId, localDate(at, await learnerTimeZone(trx, userId)), 0, at);
      counts = await applyLessonChange(trx, enrollment, lesson.id, at);
      completedAt = completed.completed_at as Date;
    } else {
      counts = await countProgress(trx, enrollment.id, enrollment.course_id);
      completedAt = (await findLessonProgress(trx, enrollment.id, lesson.id))?.completed_at as Date;
    }
    return {
      lesson_id: lesson.id,
      enrollment_id: enrollment.id,
      is_completed: true,
      completed_at: completedAt.toISOString(),
      enrollment_progress: progressPercent(counts),
      message: `Lesson completed! You've completed ${counts.completed} out of ${counts.total} lessons.`,
      course_completed: isFullyCompleted(counts),
    };
  });
}

/**
 * The seconds of a report that count: no more than were reported, than the wall-clock time since the learner's
 * previous report (so replayed or inflated reports add nothing), or than what is left of the lesson.
 */
export function countedSeconds(input: {
  reported: number;
  watched: number;
  lengthSeconds: number;
  previousAt: Date | null;
  at: Date;
}): number {
  const elapsed = input.previousAt ? Math.round((input.at.getTime() - input.previousAt.getTime()) / 1000) : Number.POSITIVE_INFINITY;
  return Math.max(0, Math.min(input.reported, elapsed, input.lengthSeconds - input.watched));
}

export async function updateLessonProgress(
  deps: Deps,
  userId: string,
  enrollmentId: string,
  input: { lesson_id: string; position_seconds: number; seconds_watched: number },
): Promise<Schemas['LessonProgress']> {
  return withTransaction(deps.db, async (trx) => {
    const enrollment = await lockWritableEnrollment(trx, userId, enrollmentId);
    const lesson = await requireLesson(trx, input.lesson_id, enrollment.course_id);
    // One report of a learner at a time, whatever the enrollment: the elapsed-time rule reads the previous one.
    const { timezone } = await lockLearner(trx, userId);
    const at = new Date();
    const lengthSeconds = lesson.duration_minutes * 60;
    const existing = await findLessonProgress(trx, enrollment.id, lesson.id);
    const watched = Math.min(existing?.watch_time_seconds ?? 0, lengthSeconds);
    const counted = countedSeconds({
      reported: input.seconds_watched,
      watched,
      lengthSeconds,
      previousAt: await lastLearningAt(trx, userId),
      at,
    });
    const watchTime = watched + counted;
    const reachesCompletion = watchTime * AUTO_COMPLETE_DENOMINATOR >= lengthSeconds * AUTO_COMPLETE_NUMERATOR;
    const saved = await saveWatchProgress(trx, {
      enrollment_id: enrollment.id,
      lesson_id: lesson.id,
      watch_time_seconds: watchTime,
      position_seconds: Math.min(input.position_seconds, lengthSeconds),
      completed_at: existing?.completed_at ?? (reachesCompletion ? at : null),
    });
    await recordActivity(trx, userId, localDate(at, timezone), counted, at);
    const counts = await applyLessonChange(trx, enrollment, lesson.id, at);
    return {
      lesson_id: lesson.id,
      enrollment_id: enrollment.id,
      watch_time_seconds: saved.watch_time_seconds,
      position_seconds: saved.position_seconds,
      completed: saved.completed_at !== null,
      enrollment_progress: progressPercent(counts),
    };
  });
}
