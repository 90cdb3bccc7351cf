import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { enqueueJob } from '../../src/jobs/outbox';
import { createRedis } from '../../src/redis';
import { createQueue } from '../../workers/queue';
import { buildLearnerStats } from '../../src/services/learnerStats';
import { activityDays } from '../../src/repositories/learningActivity';
import { learnerSources } from '../../src/repositories/learnerStats';
import { eventually, startTestServer, type TestServer } from '../support/harness';
import { type CourseFixture, insertCourse, insertEnrollment } from '../support/factories/catalog';
import { purchase } from '../support/factories/commerce';
import { enrolledLearner, insertActivity, insertPeer, insertReview } from '../support/factories/learning';
import { registerLearner } from '../support/users';

let t: TestServer;
let redis: IORedis;
let queue: Queue;
before(async () => {
  t = await startTestServer({ workers: true, stripe: true });
  redis = createRedis(t.config.redisUrl);
  queue = createQueue(redis, t.config.queuePrefix);
});
after(async () => {
  await queue.close();
  await redis.quit();
  await t.close();
});

/** learner_stats as a recomputation from the source tables right now would write it (computed_at aside). */
async function fromScratch(userId: string): Promise<Record<string, unknown>> {
  const sources = await learnerSources(t.db, userId);
  const { computed_at: _c, ...stats } = buildLearnerStats(userId, sources!, await activityDays(t.db, userId), new Date());
  return stats;
}

async function stored(userId: string): Promise<Record<string, unknown> | undefined> {
  const row = await t.db('learner_stats').where({ user_id: userId }).first();
  if (!row) return undefined;
  const { computed_at: _c, ...stats } = row;
  return stats;
}

describe('learner stats', () => {
  it('equal a recomputation from scratch after a burst of 100 concurrent progress updates, in far fewer runs', async () => {
    const f = await enrolledLearner(t, { timezone: 'Europe/Berlin', course: { sections: 4, lessonsPerSection: 5, lessonMinutes: 1 } });
    const other = await insertCourse(t.db);
    await insertEnrollment(t.db, f.user.id, other);
    await insertReview(t.db, f.user.id, other.id, 4);
    await insertReview(t.db, f.user.id, f.course.id, 5);

    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        t.api.post(
          `/enrollments/${f.enrollmentId}/lesson-progress/`,
          { lesson_id: f.course.lessonIds[i % 20], position_seconds: 60, seconds_watched: 60 },
          { token: f.user.access },
        ),
      ),
    );
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    const enrollment = await t.db('enrollments').where({ id: f.enrollmentId }).first();
    const completedRows = await t.db('lesson_progress').where({ enrollment_id: f.enrollmentId }).whereNotNull('completed_at');
    assert.equal(enrollment.lessons_completed, completedRows.length, 'the snapshot matches the rows, however the requests interleaved');
    assert.equal(enrollment.progress_percent, Math.floor((100 * completedRows.length) / 20));

    const expected = await fromScratch(f.user.id);
    await eventually(async () => isDeepStrictEqual(await stored(f.user.id), expected), 20_000, 'the stats to catch up');
    assert.deepEqual(await stored(f.user.id), expected);
    assert.equal(expected.courses_enrolled, 2);
    assert.equal(expected.average_rating_given, 4.5);
    assert.equal(expected.current_streak_days, 1);

    const stats = await t.api.get('/dashboard/stats/', { token: f.user.access });
    assert.equal(stats.status, 200);
    assert.equal(stats.body.courses_enrolled, 2);
    assert.equal(stats.body.average_rating_given, 4.5);
    assert.equal(stats.body.total_hours_learned, Math.round(((expected.total_seconds_learned as number) / 3600) * 10) / 10);
    assert.equal(stats.body.current_streak_days, 1);
    assert.equal(stats.body.certificates_earned, expected.certificates_earned);

    const outboxRows = Number(
      (
        await t
          .db('outbox')
          .where({ job_name: 'recompute-learner-stats' })
          .whereRaw("payload->>'userId' = ?", [f.user.id])
          .count({ n: '*' })
      )[0]?.n,
    );
    const runs = (await queue.getJobs(['completed', 'active', 'waiting', 'delayed'])).filter(
      (j) => j.name === 'recompute-learner-stats' && j.data.userId === f.user.id,
    );
    assert.ok(outboxRows >= 100, `${outboxRows} outbox rows`);
    assert.ok(runs.length >= 1 && runs.length < outboxRows / 4, `bursts collapse: ${runs.length} runs for ${outboxRows} changes`);
  });

  it('counts the certificate and the completed course once the course is finished', async () => {
    const f = await enrolledLearner(t, { course: { sections: 1, lessonsPerSection: 2 } });
    for (const id of f.course.lessonIds) {
      await t.api.post(`/enrollments/${f.enrollmentId}/mark-lesson-complete/`, { lesson_id: id }, { token: f.user.access });
    }
    const stats = await eventually(
      async () => {
        const res = await t.api.get('/dashboard/stats/', { token: f.user.access });
        return res.body.certificates_earned === 1 ? res.body : undefined;
      },
      15_000,
      'the certificate in the stats',
    );
    assert.equal(stats.courses_completed, 1);
    assert.equal(stats.courses_enrolled, 1);
    assert.equal(stats.current_streak_days, 1, 'completing lessons is learning activity');
    assert.equal(stats.total_hours_learned, 0);
    assert.ok(stats.last_activity);
  });
});

describe('learner stats after reviews', () => {
  it('follow the reviews a learner posts, edits and deletes (average_rating_given)', async () => {
    const f = await enrolledLearner(t);
    const posted = await t.api.post(
      `/courses/${f.course.id}/reviews/`,
      { rating: 4, title: 'Good', comment: 'Solid course.' },
      { token: f.user.access },
    );
    assert.equal(posted.status, 201);
    await eventually(async () => (await stored(f.user.id))?.average_rating_given === 4, 10_000, 'the review to count');
    const edited = await t.api.patch(`/reviews/${posted.body.id}/`, { rating: 2 }, { token: f.user.access });
    assert.equal(edited.status, 200);
    await eventually(async () => (await stored(f.user.id))?.average_rating_given === 2, 10_000, 'the edit to count');
    assert.equal((await t.api.delete(`/reviews/${posted.body.id}/`, { token: f.user.access })).status, 204);
    await eventually(async () => (await stored(f.user.id))?.average_rating_given === null, 10_000, 'the deletion to count');
    const stats = await t.api.get('/dashboard/stats/', { token: f.user.access });
    assert.equal(stats.body.average_rating_given, null);
  });
});

describe('course stats', () => {
  it('rebuild student_count from enrollments and flag the top 10% of a category as bestsellers', async () => {
    const category = `Stats ${Date.now()}`;
    const courses: CourseFixture[] = [];
    for (let k = 0; k < 12; k++) courses.push(await insertCourse(t.db, { categoryName: category }));
    // Course k gets k learners (active), plus a refunded one that must not count.
    for (const [k, course] of courses.entries()) {
      for (let i = 0; i < k; i++) await insertPeer(t.db, [course]);
    }
    const refunded = await insertPeer(t.db, []);
    await t.db('enrollments').insert({ user_id: refunded, course_id: courses[11]!.id, source: 'seed', status: 'refunded' });
    await t.db.transaction(async (trx) => {
      for (const course of courses) await enqueueJob(trx, 'recompute-course-stats', { courseId: course.id });
    });
    await eventually(
      async () => (await t.db('courses').where({ id: courses[11]!.id }).first()).student_count === 11,
      15_000,
      'student counts',
    );
    await eventually(
      async () =>
        (
          await t
            .db('courses')
            .whereIn(
              'id',
              courses.map((c) => c.id),
            )
            .where({ is_bestseller: true })
        ).length === 2,
      15_000,
      'bestsellers',
    );
    const rows = await t.db('courses').whereIn(
      'id',
      courses.map((c) => c.id),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    assert.deepEqual(
      courses.map((c) => byId.get(c.id).student_count),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    );
    // ceil(10% of 12) = 2: the two most followed courses.
    assert.deepEqual(
      courses.map((c) => byId.get(c.id).is_bestseller),
      [...Array(10).fill(false), true, true],
    );
  });
});

/**
 * Runs a stats job for `courseId` and returns its outcome once done. The job writes only the flags that flip (not
 * the course row itself), so it is waited for by its outbox id.
 */
async function recompute(courseId: string): Promise<string> {
  const jobId = await t.db.transaction(async (trx) => enqueueJob(trx, 'recompute-course-stats', { courseId }));
  await eventually(async () => (await queue.getJob(jobId))?.isCompleted(), 15_000, 'recompute');
  // Read again once completed: a job read before its completion carries no return value.
  const job = await queue.getJob(jobId);
  return job!.returnvalue as string;
}

/** The courses whose bestseller flag is set, as indexes into `courses`. */
async function flagged(courses: CourseFixture[]): Promise<number[]> {
  const rows = await t.db('courses').whereIn(
    'id',
    courses.map((c) => c.id),
  );
  const set = new Set(rows.filter((r) => r.is_bestseller).map((r) => r.id));
  return courses.flatMap((c, k) => (set.has(c.id) ? [k] : []));
}

describe('course bestsellers', () => {
  const flaggedAfterRecompute = async (courses: CourseFixture[], courseId: string): Promise<number[]> => {
    await recompute(courseId);
    return flagged(courses);
  };

  it('share the top 10% rank on ties, and drop stale flags of unpublished and studentless courses', async () => {
    const categoryName = `Ranks ${Date.now()}`;
    const students = [3, 2, 2, ...Array(17).fill(0)]; // 20 published courses: k = ceil(10% of 20) = 2
    const courses: CourseFixture[] = [];
    for (const [k, count] of students.entries())
      courses.push(await insertCourse(t.db, { categoryName, columns: { student_count: count, is_bestseller: k === 5 } }));
    courses.push(await insertCourse(t.db, { categoryName, published: false, columns: { student_count: 9, is_bestseller: true } }));
    // The 2nd highest count is 2, shared by courses 1 and 2: both rank 2, within k.
    assert.deepEqual(await flaggedAfterRecompute(courses, courses[19]!.id), [0, 1, 2]);
    // Unpublishing the leader leaves 19 published (k = 2): the two tied at 2 now rank first.
    await t.db('courses').where({ id: courses[0]!.id }).update({ is_published: false });
    assert.deepEqual(await flaggedAfterRecompute(courses, courses[19]!.id), [1, 2]);
  });
});

describe('close-broken-streaks', () => {
  it('is scheduled by the workers and resets a streak whose last day is before yesterday', async () => {
    const scheduler = await eventually(() => queue.getJobScheduler('close-broken-streaks'), 10_000, 'the schedule');
    assert.equal(scheduler.pattern, '5 * * * *');

    const broken = await enrolledLearner(t);
    const alive = await enrolledLearner(t);
    const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await insertActivity(t.db, broken.user.id, [{ date: day(-12) }, { date: day(-11) }, { date: day(-10) }]);
    await insertActivity(t.db, alive.user.id, [{ date: day(-1) }, { date: day(0) }]);
    await t.db('learner_stats').insert([
      { user_id: broken.user.id, current_streak_days: 3, longest_streak_days: 3 },
      { user_id: alive.user.id, current_streak_days: 2, longest_streak_days: 2 },
    ]);
    await t.db.transaction((trx) => enqueueJob(trx, 'close-broken-streaks', {}));
    await eventually(
      async () => (await t.db('learner_stats').where({ user_id: broken.user.id }).first()).current_streak_days === 0,
      15_000,
      'the close',
    );
    const kept = await t.db('learner_stats').where({ user_id: alive.user.id }).first();
    assert.equal(kept.current_streak_days, 2);
    assert.equal((await t.db('learner_stats').where({ user_id: broken.user.id }).first()).longest_streak_days, 3);
  });
});

const studentCount = async (courseId: string): Promise<number> =>
  (await t.db('courses').where({ id: courseId }).first('student_count')).student_count;

describe('student_count kept by the enrollments triggers', () => {
  // Read right after each response: the stats job waits 500 ms to collapse bursts, so only the trigger can have counted.
  it('is exact after a free enrollment, a purchase, a completion and a refund, in the same transaction', async () => {
    const free = await insertCourse(t.db, { priceCents: 0, sections: 1, lessonsPerSection: 1 });
    const paid = await insertCourse(t.db, { priceCents: 4999 });
    const learner = await registerLearner(t.api);
    const enrolled = await t.api.post(`/courses/${free.id}/enroll/`, undefined, { token: learner.access });
    assert.equal(enrolled.status, 201);
    assert.equal(await studentCount(free.id), 1);

    const done = await t.api.post(
      `/enrollments/${enrolled.body.id}/mark-lesson-complete/`,
      { lesson_id: free.lessonIds[0] },
      { token: learner.access },
    );
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal((await t.db('enrollments').where({ id: enrolled.body.id }).first()).status, 'completed');
    assert.equal(await studentCount(free.id), 1, 'a completed enrollment still counts');

    const orderId = await purchase(t, learner, [paid.id]);
    assert.equal(await studentCount(paid.id), 1);
    const refunded = await t.api.post(`/orders/${orderId}/refund/`, { reason: 'Not for me' }, { token: learner.access });
    assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
    assert.equal(await studentCount(paid.id), 0, 'a refunded enrollment does not count');
    // Bought again after the refund: the same enrollment row comes back active.
    await purchase(t, learner, [paid.id]);
    assert.equal(await studentCount(paid.id), 1);
  });

  it('counts concurrent enrollments in one course exactly', async () => {
    const course = await insertCourse(t.db, { priceCents: 0 });
    const learners = await Promise.all(Array.from({ length: 8 }, () => registerLearner(t.api)));
    const responses = await Promise.all(learners.map((l) => t.api.post(`/courses/${course.id}/enroll/`, undefined, { token: l.access })));
    assert.deepEqual(
      responses.map((r) => r.status),
      Array(8).fill(201),
    );
    assert.equal(await studentCount(course.id), 8);
    const counted = await t.db('enrollments').where({ course_id: course.id }).whereIn('status', ['active', 'completed']).count({ n: '*' });
    assert.equal(Number(counted[0]?.n), 8);
  });
});

describe('bestseller ranking skips only what no change touched', () => {
  const enrollPeers = async (course: CourseFixture, n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await insertEnrollment(t.db, await insertPeer(t.db, []), course);
  };

  it('re-ranks every category a change touched, whichever course the job is for, and nothing else', async () => {
    const stamp = Date.now();
    const pCourses: CourseFixture[] = [];
    for (let k = 0; k < 10; k++) pCourses.push(await insertCourse(t.db, { categoryName: `Rank P ${stamp}` }));
    const qCourses: CourseFixture[] = [];
    for (let k = 0; k < 10; k++) qCourses.push(await insertCourse(t.db, { categoryName: `Rank Q ${stamp}` }));
    await enrollPeers(pCourses[0]!, 3);
    await enrollPeers(pCourses[1]!, 2);
    await enrollPeers(qCourses[0]!, 1);
    await recompute(pCourses[9]!.id);
    // k = ceil(10% of 10) = 1 in each category.
    assert.deepEqual(await flagged(pCourses), [0]);
    assert.deepEqual(await flagged(qCourses), [0]);

    // Nothing changed: a job for any course ranks nothing.
    assert.match(await recompute(pCourses[5]!.id), /; 0 bestseller flags changed/);
    assert.equal(Number((await t.db('bestseller_stale').count({ n: '*' }))[0]?.n), 0);

    // Enrollments committed without a job of their own (as a direct write would): the next job of an unchanged
    // course of the other category still re-ranks P, because the change left its marker in the same transaction.
    await enrollPeers(pCourses[1]!, 2);
    assert.match(await recompute(qCourses[5]!.id), /; 2 bestseller flags changed/);
    assert.deepEqual(await flagged(pCourses), [1]);

    // A move to Q re-ranks the category left as well as the one entered: P's leader is course 0 again.
    await t.db('courses').where({ id: pCourses[1]!.id }).update({ category_id: qCourses[0]!.categoryId });
    await recompute(qCourses[5]!.id);
    const stayed = pCourses.filter((_, k) => k !== 1);
    assert.deepEqual(await flagged(stayed), [0]);
    // Q has 11 published courses now (k = 2): the newcomer and Q's leader.
    assert.deepEqual(await flagged([...qCourses, pCourses[1]!]), [0, 10]);

    // Unpublishing the newcomer leaves 10 (k = 1) and drops its flag; a rerun is a no-op.
    await t.db('courses').where({ id: pCourses[1]!.id }).update({ is_published: false });
    await recompute(pCourses[1]!.id);
    assert.deepEqual(await flagged([...qCourses, pCourses[1]!]), [0]);
    assert.match(await recompute(pCourses[1]!.id), /; 0 bestseller flags changed/);
  });
});

describe('recompute-course-stats jobs a worker runs at once', () => {
  it('share one call, which starts after they arrived and so sees what was committed before them', async () => {
    const stamp = Date.now();
    const courses: CourseFixture[] = [];
    for (let k = 0; k < 3; k++) courses.push(await insertCourse(t.db, { categoryName: `Shared ${stamp}` }));
    const [a, b, c] = courses as [CourseFixture, CourseFixture, CourseFixture];
    // A change in the category leaves a marker, and ranking it takes the category's lock, which the test holds: the
    // call of the first job waits there, in flight, while the next jobs arrive.
    await insertEnrollment(t.db, await insertPeer(t.db, []), a);
    const lock = await t.db.transaction();
    try {
      await lock.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`course-stats:${a.categoryId}`]);
      const first = await t.db.transaction(async (trx) => enqueueJob(trx, 'recompute-course-stats', { courseId: a.id }));
      await eventually(async () => (await queue.getJob(first))?.isActive(), 15_000, 'the first job running');
      // Committed while the first call runs: the jobs enqueued after it must see it.
      await insertEnrollment(t.db, await insertPeer(t.db, []), b);
      const next = await t.db.transaction(async (trx) =>
        Promise.all([b, c].map((course) => enqueueJob(trx, 'recompute-course-stats', { courseId: course.id }))),
      );
      for (const id of next) await eventually(async () => (await queue.getJob(id))?.isActive(), 15_000, 'the next jobs running');
      await lock.commit();
      const outcome = async (id: string): Promise<string> => {
        await eventually(async () => (await queue.getJob(id))?.isCompleted(), 15_000, 'the job done');
        return (await queue.getJob(id))!.returnvalue as string;
      };
      const [ofA, ofB, ofC] = [await outcome(first), await outcome(next[0]!), await outcome(next[1]!)];
      // The first call served its own job alone (its courses were fixed when it started); the two that arrived while
      // it ran shared the next call, which counts the enrolment committed before they were enqueued. (The first
      // call ranked the category after its lock, so it already found the marker of that enrolment too.)
      assert.match(ofA, new RegExp(`^Recomputed course ${a.id}: 1 students; \\d+ bestseller flags changed\\.$`));
      assert.match(ofB, new RegExp(`^Recomputed course ${b.id}: 1 students; 0 bestseller flags changed \\(one call for 2 courses\\)\\.$`));
      assert.match(ofC, new RegExp(`^Recomputed course ${c.id}: 0 students; 0 bestseller flags changed \\(one call for 2 courses\\)\\.$`));
    } finally {
      if (!lock.isCompleted()) await lock.rollback();
    }
  });
});
