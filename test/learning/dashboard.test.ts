import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { recomputeLearnerStats } from '../../src/services/learnerStats';
import { insertCourse, insertEnrollment } from '../support/factories/catalog';
import {
  addToCart,
  enrolledLearner,
  insertActivity,
  insertPeer,
  learningTestServer,
  setEnrollmentStatus,
} from '../support/factories/learning';
import { registerLearner } from '../support/users';

const t = learningTestServer();

describe('learning goals', () => {
  it("are null until set, then show this month's progress rounded down and capped at 100", async () => {
    const user = await registerLearner(t.api, { timezone: 'Asia/Kolkata' });
    const unset = await t.api.get('/dashboard/goals/', { token: user.access });
    assert.equal(unset.status, 200);
    assert.deepEqual(unset.body, { target_hours_per_month: null, this_month_hours: 0, progress_percent: null });
    const card = await t.api.get('/dashboard/stats/', { token: user.access });
    assert.deepEqual(card.body.goals, { target_hours_per_month: null, progress_percent: null });

    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date());
    await insertActivity(t.db, user.id, [{ date: today, seconds: 81_000 }]); // 22.5 hours
    await recomputeLearnerStats(t.db, user.id);

    const set = await t.api.put('/dashboard/goals/', { target_hours_per_month: 40 }, { token: user.access });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { target_hours_per_month: 40, this_month_hours: 22.5, progress_percent: 56 });
    assert.deepEqual((await t.api.get('/dashboard/goals/', { token: user.access })).body, set.body);
    const stats = await t.api.get('/dashboard/stats/', { token: user.access });
    assert.deepEqual(stats.body.goals, { target_hours_per_month: 40, progress_percent: 56 });
    assert.equal(stats.body.this_month_hours, 22.5);

    const exceeded = await t.api.put('/dashboard/goals/', { target_hours_per_month: 10 }, { token: user.access });
    assert.deepEqual(exceeded.body, { target_hours_per_month: 10, this_month_hours: 22.5, progress_percent: 100 });
  });

  it('refuses a goal outside 1..744 hours', async () => {
    const user = await registerLearner(t.api);
    for (const value of [0, 745, 2.5]) {
      const res = await t.api.put('/dashboard/goals/', { target_hours_per_month: value }, { token: user.access });
      assert.equal(res.status, 422, String(value));
      assert.ok(res.body.error.details.target_hours_per_month);
    }
    const unknown = await t.api.put('/dashboard/goals/', { target_hours_per_month: 10, is_instructor: true }, { token: user.access });
    assert.equal(unknown.status, 422);
    assert.equal((await t.db('users').where({ id: user.id }).first()).target_hours_per_month, null);
  });

  it('show no hours from a month that is over', async () => {
    mock.timers.enable({ apis: ['Date'], now: new Date('2026-01-31T12:00:00Z') });
    const user = await registerLearner(t.api, { timezone: 'America/Los_Angeles' });
    await insertActivity(t.db, user.id, [{ date: '2026-01-31', seconds: 7200 }]);
    await recomputeLearnerStats(t.db, user.id);
    const token = (): string => t.deps.tokens.signAccess(user.id);
    assert.equal((await t.api.get('/dashboard/stats/', { token: token() })).body.this_month_hours, 2);
    mock.timers.setTime(Date.parse('2026-02-01T09:00:00Z')); // 01:00 on Feb 1 in Los Angeles
    const february = await t.api.get('/dashboard/stats/', { token: token() });
    assert.equal(february.body.this_month_hours, 0);
    assert.equal(february.body.total_hours_learned, 2);
  });
});

describe('continue learning', () => {
  it('lists unfinished enrollments by last access, never-opened ones last, with where to resume and an estimate', async () => {
    mock.timers.enable({ apis: ['Date'], now: new Date('2026-04-01T12:00:00Z') });
    const user = await registerLearner(t.api, { timezone: 'Europe/Paris' });
    const token = (): string => t.deps.tokens.signAccess(user.id);
    const paced = await insertCourse(t.db, { title: 'Paced', sections: 2, lessonsPerSection: 5, lessonMinutes: 60 });
    const idle = await insertCourse(t.db, { title: 'Idle' });
    const done = await insertCourse(t.db, { title: 'Done', sections: 1, lessonsPerSection: 1 });
    const refunded = await insertCourse(t.db, { title: 'Refunded' });
    const pacedId = await insertEnrollment(t.db, user.id, paced);
    const idleId = await insertEnrollment(t.db, user.id, idle);
    const doneId = await insertEnrollment(t.db, user.id, done);
    await setEnrollmentStatus(t.db, await insertEnrollment(t.db, user.id, refunded), 'refunded');
    await t
      .db('enrollments')
      .whereIn('id', [pacedId, idleId, doneId])
      .update({ enrolled_at: new Date('2026-01-01T00:00:00Z') });

    await t.api.post(`/enrollments/${doneId}/mark-lesson-complete/`, { lesson_id: done.lessonIds[0] }, { token: token() });
    // Two one-hour lessons done over the last 30 days: 4 minutes a day; 8 hours left take 120 days.
    mock.timers.setTime(Date.parse('2026-04-10T12:00:00Z'));
    await t.api.post(`/enrollments/${pacedId}/mark-lesson-complete/`, { lesson_id: paced.lessonIds[0] }, { token: token() });
    await t.api.post(`/enrollments/${pacedId}/mark-lesson-complete/`, { lesson_id: paced.lessonIds[1] }, { token: token() });
    await t.api.post(
      `/enrollments/${pacedId}/lesson-progress/`,
      { lesson_id: paced.lessonIds[6], position_seconds: 90, seconds_watched: 90 },
      { token: token() },
    );

    mock.timers.setTime(Date.parse('2026-04-30T12:00:00Z'));
    const res = await t.api.get('/dashboard/continue-learning/', { token: token() });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.results.map((r: { enrollment_id: string }) => r.enrollment_id),
      [pacedId, idleId],
    );
    const [first, second] = res.body.results;
    assert.deepEqual(
      first.current_lesson,
      { id: paced.lessonIds[6], title: 'Lesson 2.2', order: 7, duration_minutes: 60 },
      'the lesson last opened',
    );
    assert.equal(first.progress_percent, 20);
    assert.equal(first.time_spent_hours, 0);
    assert.equal(first.last_accessed, '2026-04-10T12:00:00.000Z');
    assert.equal(first.course.instructor, 'Angela Yu');
    assert.equal(first.estimated_completion_date, '2026-08-28');
    assert.equal(second.last_accessed, null);
    assert.equal(second.estimated_completion_date, null, 'no pace yet');
    assert.deepEqual(second.current_lesson, { id: idle.lessonIds[0], title: 'Lesson 1.1', order: 1, duration_minutes: 10 });
  });
});

describe('recommendations', () => {
  async function catalog() {
    const dev = (title: string, level: 'Beginner' | 'Intermediate' | 'Advanced') =>
      insertCourse(t.db, { title, categoryName: 'Development', level });
    const design = (title: string, level: 'Beginner' | 'Intermediate' | 'Advanced') =>
      insertCourse(t.db, { title, categoryName: 'Design', level });
    return {
      webBasics: await dev('Web Basics', 'Beginner'),
      reactNext: await dev('React Next', 'Intermediate'),
      nodeDeep: await dev('Node Deep Dive', 'Advanced'),
      cssArt: await design('CSS Art', 'Beginner'),
      uxLab: await design('UX Lab', 'Intermediate'),
      inCart: await dev('In The Cart', 'Intermediate'),
      hidden: await insertCourse(t.db, { title: 'Unpublished', published: false }),
    };
  }

  it('never suggests owned, taught or in-cart courses, ranks co-enrollment and the next level first, and explains why', async () => {
    const c = await catalog();
    const f = await enrolledLearner(t, { existingCourse: c.webBasics });
    await setEnrollmentStatus(t.db, f.enrollmentId, 'completed');
    const refunded = await insertCourse(t.db, { title: 'Refunded Course', categoryName: 'Development' });
    await setEnrollmentStatus(t.db, await insertEnrollment(t.db, f.user.id, refunded), 'refunded');
    await addToCart(t.db, f.user.id, c.inCart.id);
    const taught = await insertCourse(t.db, {
      title: 'My Own Course',
      instructorId: f.user.id,
      categoryName: 'Development',
      level: 'Intermediate',
    });
    // Learners who took Web Basics also took UX Lab (3 of 3) and React Next (1 of 3).
    await insertPeer(t.db, [c.webBasics, c.uxLab, c.reactNext]);
    await insertPeer(t.db, [c.webBasics, c.uxLab, c.inCart]);
    await insertPeer(t.db, [c.webBasics, c.uxLab, refunded]);

    const res = await t.api.get('/dashboard/recommendations/', { token: f.user.access, query: { limit: 50 } });
    assert.equal(res.status, 200);
    const ids = res.body.results.map((r: { id: string }) => r.id);
    for (const excluded of [c.webBasics.id, c.inCart.id, taught.id, refunded.id, c.hidden.id])
      assert.ok(!ids.includes(excluded), `never ${excluded}`);
    const mine = ids.filter((id: string) => [c.reactNext.id, c.uxLab.id, c.nodeDeep.id, c.cssArt.id].includes(id));
    // React Next: next level in the category plus some co-enrollment; UX Lab: all of Web Basics' learners took it;
    // Node Deep Dive: same category, a level further; CSS Art: nothing but being in the catalog.
    assert.deepEqual(mine, [c.reactNext.id, c.uxLab.id, c.nodeDeep.id, c.cssArt.id]);
    const reason = (id: string): string => res.body.results.find((r: { id: string }) => r.id === id).recommendation_reason;
    assert.equal(reason(c.reactNext.id), 'You completed Web Basics. This is a natural next step.');
    assert.equal(reason(c.uxLab.id), 'Learners who took Web Basics also took this course.');
    assert.equal(reason(c.nodeDeep.id), 'Because you are learning Development.');
    const scores = res.body.results.map((r: { relevance_score: number }) => r.relevance_score);
    assert.deepEqual(
      scores,
      [...scores].sort((a, b) => b - a),
      'ordered by relevance',
    );
    assert.ok(scores.every((s: number) => s >= 0 && s <= 1));
  });

  it('gives a new learner popular picks, and respects limit', async () => {
    await catalog();
    const user = await registerLearner(t.api);
    const res = await t.api.get('/dashboard/recommendations/', { token: user.access, query: { limit: 3 } });
    assert.equal(res.status, 200);
    assert.equal(res.body.results.length, 3);
    const counts = res.body.results.map((r: { student_count: number }) => r.student_count);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => b - a),
      'most followed first',
    );
    assert.match(res.body.results[0].recommendation_reason, /^Popular on LearnFlow|^New on LearnFlow/);
    const tooMany = await t.api.get('/dashboard/recommendations/', { token: user.access, query: { limit: 51 } });
    assert.equal(tooMany.status, 422);
  });
});
