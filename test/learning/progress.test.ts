import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { insertCourse, insertEnrollment } from '../support/factories/catalog';
import { enrolledLearner, learningTestServer, setEnrollmentStatus } from '../support/factories/learning';
import { registerLearner } from '../support/users';

const t = learningTestServer();

const complete = (token: string, enrollmentId: string, lessonId: string) =>
  t.api.post(`/enrollments/${enrollmentId}/mark-lesson-complete/`, { lesson_id: lessonId }, { token });
const report = (token: string, enrollmentId: string, body: { lesson_id: string; position_seconds: number; seconds_watched: number }) =>
  t.api.post(`/enrollments/${enrollmentId}/lesson-progress/`, body, { token });
const outboxCount = async (name: string): Promise<number> =>
  Number((await t.db('outbox').where({ job_name: name }).count({ n: '*' }))[0]?.n);

/** Freezes the clock the server reads (same process) at `iso`; move it with mock.timers.setTime. */
function freezeClock(iso: string): void {
  mock.timers.enable({ apis: ['Date'], now: new Date(iso) });
}

describe('mark-lesson-complete', () => {
  it('completes a lesson once: a repeat answers the same and changes nothing', async () => {
    const { user, course, enrollmentId } = await enrolledLearner(t);
    const lesson = course.lessonIds[1] as string;
    const first = await complete(user.access, enrollmentId, lesson);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, {
      lesson_id: lesson,
      enrollment_id: enrollmentId,
      is_completed: true,
      completed_at: first.body.completed_at,
      enrollment_progress: 25,
      message: "Lesson completed! You've completed 1 out of 4 lessons.",
      course_completed: false,
    });
    const rowBefore = await t.db('lesson_progress').where({ enrollment_id: enrollmentId, lesson_id: lesson }).first();
    const jobsBefore = await outboxCount('recompute-learner-stats');

    const again = await complete(user.access, enrollmentId, lesson);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);
    const rowAfter = await t.db('lesson_progress').where({ enrollment_id: enrollmentId, lesson_id: lesson }).first();
    assert.deepEqual(rowAfter, rowBefore, 'the repeat wrote nothing');
    assert.equal(await outboxCount('recompute-learner-stats'), jobsBefore, 'and queued nothing');

    const detail = await t.api.get(`/enrollments/${enrollmentId}/`, { token: user.access });
    assert.equal(detail.body.progress_percent, 25);
    assert.equal(detail.body.lessons_completed, 1);
    // The lesson worked on is completed, so the first uncompleted lesson in course order is where to resume.
    assert.deepEqual(detail.body.current_lesson, { id: course.lessonIds[0], title: 'Lesson 1.1', order: 1 });
  });

  it('answers 20 concurrent completions of one lesson with one completed_at and one row', async () => {
    const { user, course, enrollmentId } = await enrolledLearner(t);
    const lesson = course.lessonIds[0] as string;
    const results = await Promise.all(Array.from({ length: 20 }, () => complete(user.access, enrollmentId, lesson)));
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    assert.equal(new Set(results.map((r) => r.body.completed_at)).size, 1);
    const rows = await t.db('lesson_progress').where({ enrollment_id: enrollmentId });
    assert.equal(rows.length, 1);
  });

  it('keeps progress exact when every lesson is completed at once, and completes the enrollment once', async () => {
    const { user, course, enrollmentId } = await enrolledLearner(t, { course: { sections: 2, lessonsPerSection: 5 } });
    const results = await Promise.all(course.lessonIds.map((id) => complete(user.access, enrollmentId, id)));
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    assert.deepEqual(
      results.map((r) => r.body.enrollment_progress).sort((a, b) => a - b),
      [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
    );
    assert.equal(results.filter((r) => r.body.course_completed).length, 1);
    const enrollment = await t.db('enrollments').where({ id: enrollmentId }).first();
    assert.equal(enrollment.status, 'completed');
    assert.equal(enrollment.lessons_completed, 10);
    assert.equal(enrollment.progress_percent, 100);
    assert.ok(enrollment.completed_at);
    assert.equal((await t.db('certificates').where({ enrollment_id: enrollmentId })).length, 1);
    const cert = await t.db('certificates').where({ enrollment_id: enrollmentId }).first();
    assert.equal(
      (await t.db('outbox').where({ job_name: 'render-certificate' }).whereRaw("payload->>'certificateId' = ?", [cert.id])).length,
      1,
    );
  });

  it('refuses a lesson of another course with LESSON_NOT_FOUND', async () => {
    const { user, enrollmentId } = await enrolledLearner(t);
    const other = await insertCourse(t.db);
    for (const lessonId of [other.lessonIds[0] as string, '00000000-0000-4000-8000-000000000000']) {
      const res = await complete(user.access, enrollmentId, lessonId);
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'LESSON_NOT_FOUND');
      const progress = await report(user.access, enrollmentId, { lesson_id: lessonId, position_seconds: 10, seconds_watched: 10 });
      assert.equal(progress.status, 404);
      assert.equal(progress.body.error.code, 'LESSON_NOT_FOUND');
    }
    assert.equal((await t.db('lesson_progress').where({ enrollment_id: enrollmentId })).length, 0);
  });

  it("answers 404 ENROLLMENT_NOT_FOUND for another learner's enrollment, on every operation", async () => {
    const owner = await enrolledLearner(t);
    const stranger = await registerLearner(t.api);
    const lesson = owner.course.lessonIds[0] as string;
    const responses = [
      await t.api.get(`/enrollments/${owner.enrollmentId}/`, { token: stranger.access }),
      await complete(stranger.access, owner.enrollmentId, lesson),
      await report(stranger.access, owner.enrollmentId, { lesson_id: lesson, position_seconds: 5, seconds_watched: 5 }),
      await t.api.get('/enrollments/not-a-uuid/', { token: stranger.access }),
    ];
    for (const res of responses) {
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'ENROLLMENT_NOT_FOUND');
    }
    assert.equal((await t.db('lesson_progress').where({ enrollment_id: owner.enrollmentId })).length, 0);
    const list = await t.api.get('/enrollments/', { token: stranger.access });
    assert.equal(list.body.count, 0);
  });

  it('refuses progress on a refunded enrollment (403) but keeps it readable without videos', async () => {
    const { user, course, enrollmentId } = await enrolledLearner(t);
    await complete(user.access, enrollmentId, course.lessonIds[0] as string);
    await setEnrollmentStatus(t.db, enrollmentId, 'refunded');
    const res = await complete(user.access, enrollmentId, course.lessonIds[1] as string);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'PERMISSION_DENIED');
    const progress = await report(user.access, enrollmentId, {
      lesson_id: course.lessonIds[1] as string,
      position_seconds: 5,
      seconds_watched: 5,
    });
    assert.equal(progress.status, 403);
    const detail = await t.api.get(`/enrollments/${enrollmentId}/`, { token: user.access });
    assert.equal(detail.status, 200);
    assert.equal(detail.body.status, 'refunded');
    assert.equal(detail.body.lessons_completed, 1);
    for (const section of detail.body.course.curriculum) for (const lesson of section.lessons) assert.equal(lesson.video_url, null);
    assert.equal((await t.api.get('/enrollments/', { token: user.access })).body.count, 0, 'refunded ones are not listed by default');
    const refunded = await t.api.get('/enrollments/', { token: user.access, query: { status: 'refunded' } });
    assert.deepEqual(
      refunded.body.results.map((e: { id: string }) => e.id),
      [enrollmentId],
    );
  });
});

describe('lesson-progress', () => {
  it('only moves watch time forward, caps it at the lesson length and completes the lesson at 90%', async () => {
    freezeClock('2026-05-04T10:00:00Z');
    const { user, course, enrollmentId } = await enrolledLearner(t, { course: { lessonMinutes: 10 } });
    const lesson = course.lessonIds[0] as string;
    const at = (seconds: number): void => mock.timers.setTime(Date.parse('2026-05-04T10:00:00Z') + seconds * 1000);
    // Access tokens live 15 minutes of the frozen clock too: sign one at each step.
    const token = (): string => t.deps.tokens.signAccess(user.id);

    const first = await report(token(), enrollmentId, { lesson_id: lesson, position_seconds: 60, seconds_watched: 60 });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, {
      lesson_id: lesson,
      enrollment_id: enrollmentId,
      watch_time_seconds: 60,
      position_seconds: 60,
      completed: false,
      enrollment_progress: 0,
    });

    at(30);
    const seekBack = await report(token(), enrollmentId, { lesson_id: lesson, position_seconds: 20, seconds_watched: 30 });
    assert.equal(seekBack.body.position_seconds, 20, 'the position follows a seek back');
    assert.equal(seekBack.body.watch_time_seconds, 90, 'watch time still grows');

    const replay = await report(token(), enrollmentId, { lesson_id: lesson, position_seconds: 50, seconds_watched: 30 });
    assert.equal(replay.body.watch_time_seconds, 90, 'a replayed report within the same second adds nothing');

    at(40);
    const inflated = await report(token(), enrollmentId, { lesson_id: lesson, position_seconds: 400, seconds_watched: 3600 });
    assert.equal(inflated.body.watch_time_seconds, 100, 'no more than the 10 s of wall-clock time since the previous report');

    at(3600);
    const pastTheEnd = await report(token(), enrollmentId, { lesson_id: lesson, position_seconds: 5000, seconds_watched: 3600 });
    assert.equal(pastTheEnd.body.watch_time_seconds, 600, 'capped at the lesson length');
    assert.equal(pastTheEnd.body.position_seconds, 600);
    assert.equal(pastTheEnd.body.completed, true);
    assert.equal(pastTheEnd.body.enrollment_progress, 25);

    at(7200);
    const rewatch = await report(token(), enrollmentId, { lesson_id: lesson, position_seconds: 10, seconds_watched: 10 });
    assert.deepEqual([rewatch.body.watch_time_seconds, rewatch.body.completed], [600, true], 'never backwards, never uncompleted');

    const activity = await t.db('learning_activity').where({ user_id: user.id });
    assert.deepEqual(
      activity.map((a) => a.seconds),
      [600],
      'only counted seconds become learning time',
    );
  });

  it('completes a lesson when watch time reaches 90% of its length', async () => {
    freezeClock('2026-05-05T10:00:00Z');
    const { user, course, enrollmentId } = await enrolledLearner(t, { course: { lessonMinutes: 10 } });
    const lesson = course.lessonIds[0] as string;
    const below = await report(user.access, enrollmentId, { lesson_id: lesson, position_seconds: 539, seconds_watched: 539 });
    assert.equal(below.body.completed, false);
    mock.timers.setTime(Date.parse('2026-05-05T10:10:00Z'));
    const reached = await report(user.access, enrollmentId, { lesson_id: lesson, position_seconds: 540, seconds_watched: 1 });
    assert.deepEqual([reached.body.watch_time_seconds, reached.body.completed, reached.body.enrollment_progress], [540, true, 25]);
    const row = await t.db('lesson_progress').where({ enrollment_id: enrollmentId, lesson_id: lesson }).first();
    assert.equal(row.completed_at.toISOString(), '2026-05-05T10:10:00.000Z');
  });

  it('rejects out-of-range values with VALIDATION_ERROR', async () => {
    const { user, course, enrollmentId } = await enrolledLearner(t);
    const res = await report(user.access, enrollmentId, {
      lesson_id: course.lessonIds[0] as string,
      position_seconds: -1,
      seconds_watched: 3601,
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    assert.deepEqual(Object.keys(res.body.error.details).sort(), ['position_seconds', 'seconds_watched']);
  });
});

describe('list and detail', () => {
  it('lists active and completed enrollments, most recently accessed first, with the curriculum in the detail', async () => {
    const user = await registerLearner(t.api);
    const a = await insertCourse(t.db, { title: 'Alpha' });
    const b = await insertCourse(t.db, { title: 'Beta', lessonMinutes: 30 });
    const ea = await insertEnrollment(t.db, user.id, a);
    const eb = await insertEnrollment(t.db, user.id, b);
    await complete(user.access, eb, b.lessonIds[2] as string);
    await complete(user.access, ea, a.lessonIds[0] as string);

    const list = await t.api.get('/enrollments/', { token: user.access, query: { page_size: 1 } });
    assert.equal(list.status, 200);
    assert.equal(list.body.count, 2);
    assert.equal(list.body.total_pages, 2);
    assert.equal(list.body.results[0].id, ea, 'the last accessed first');
    assert.match(list.body.next, /\/enrollments\/\?page_size=1&page=2$/);
    const second = await t.api.get('/enrollments/', { token: user.access, query: { page_size: 1, page: 2 } });
    assert.equal(second.body.results[0].id, eb);
    assert.equal(second.body.results[0].course.duration_hours, 2);
    assert.deepEqual(second.body.results[0].current_lesson, { id: b.lessonIds[0], title: 'Lesson 1.1', order: 1 });
    const beyond = await t.api.get('/enrollments/', { token: user.access, query: { page: 3 } });
    assert.equal(beyond.status, 404);

    const detail = await t.api.get(`/enrollments/${eb}/`, { token: user.access });
    assert.equal(detail.status, 200);
    const lessons = detail.body.course.curriculum.flatMap((s: { lessons: unknown[] }) => s.lessons);
    assert.deepEqual(
      lessons.map((l: { order: number }) => l.order),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      lessons.map((l: { completed: boolean }) => l.completed),
      [false, false, true, false],
    );
    assert.equal(detail.body.course.instructor.first_name, 'Angela');
    assert.equal(detail.body.certificate_url, null);
  });

  it('refuses an unknown status filter', async () => {
    const user = await registerLearner(t.api);
    const res = await t.api.get('/enrollments/', { token: user.access, query: { status: 'paused' } });
    assert.equal(res.status, 422);
    assert.ok(res.body.error.details.status);
  });
});
