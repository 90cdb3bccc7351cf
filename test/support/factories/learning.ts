import { afterEach, mock } from 'node:test';
import type { Knex } from 'knex';
import type { EnrollmentRow } from '../../../src/repositories/enrollments';
import { type TestServer, type TestServerOptions, useTestServer } from '../harness';
import { registerLearner, type TestUser } from '../users';
import { type CourseFixture, type CourseOptions, insertCourse, insertEnrollment } from './catalog';

/**
 * useTestServer for the enclosing file (or describe block), and after each test the real clock is back (tests
 * freeze it with mock.timers to control learners' local days).
 */
export function learningTestServer(opts: TestServerOptions = {}): TestServer {
  const server = useTestServer(opts);
  afterEach(() => {
    mock.timers.reset();
  });
  return server;
}

export interface LearnerFixture {
  user: TestUser;
  course: CourseFixture;
  enrollmentId: string;
}

/** A learner registered through the API (in `timezone`), enrolled in a fresh course (a row, as a purchase makes). */
export async function enrolledLearner(
  t: TestServer,
  opts: { timezone?: string; first_name?: string; last_name?: string; course?: CourseOptions; existingCourse?: CourseFixture } = {},
): Promise<LearnerFixture> {
  const user = await registerLearner(t.api, { timezone: opts.timezone, first_name: opts.first_name, last_name: opts.last_name });
  const course = opts.existingCourse ?? (await insertCourse(t.db, opts.course));
  const enrollmentId = await insertEnrollment(t.db, user.id, course);
  return { user, course, enrollmentId };
}

/** A learner row without a login, enrolled in each course (co-enrollment data for recommendations). */
export async function insertPeer(db: Knex, courses: CourseFixture[]): Promise<string> {
  const [row] = await db('users')
    .insert({
      email: `peer-${Math.random().toString(36).slice(2)}@example.com`,
      password_hash: 'x',
      first_name: 'Peer',
      last_name: 'Learner',
    })
    .returning('id');
  const id = (row as { id: string }).id;
  for (const course of courses) await insertEnrollment(db, id, course);
  return id;
}

export async function setEnrollmentStatus(db: Knex, enrollmentId: string, status: 'active' | 'completed' | 'refunded'): Promise<void> {
  await db('enrollments')
    .where({ id: enrollmentId })
    .update({ status, completed_at: status === 'completed' ? db.fn.now() : null, refunded_at: status === 'refunded' ? db.fn.now() : null });
}

/** Learning on these local dates (what progress reports write), e.g. to shape a streak. */
export async function insertActivity(db: Knex, userId: string, days: Array<{ date: string; seconds?: number }>): Promise<void> {
  if (days.length === 0) return;
  await db('learning_activity').insert(days.map((d) => ({ user_id: userId, local_date: d.date, seconds: d.seconds ?? 600 })));
}

export async function addToCart(db: Knex, userId: string, courseId: string): Promise<void> {
  const [cart] = await db('carts').insert({ user_id: userId }).onConflict('user_id').merge(['updated_at']).returning('id');
  await db('cart_items').insert({ cart_id: (cart as { id: string }).id, course_id: courseId });
}

export async function insertReview(db: Knex, userId: string, courseId: string, rating: number): Promise<string> {
  const [row] = await db('reviews')
    .insert({ user_id: userId, course_id: courseId, rating, title: 'Review', comment: 'A review.' })
    .returning('id');
  return (row as { id: string }).id;
}

/** An enrollment with every lesson done, completed as the last lesson's progress leaves it. */
export async function completedEnrollment(db: Knex, user: TestUser, course: CourseFixture): Promise<EnrollmentRow> {
  const id = await insertEnrollment(db, user.id, course);
  await db('enrollments').where({ id }).update({ lessons_completed: course.lessonIds.length, progress_percent: 100 });
  await setEnrollmentStatus(db, id, 'completed');
  return (await db('enrollments').where({ id }).first()) as EnrollmentRow;
}
