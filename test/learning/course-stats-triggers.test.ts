import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { enqueueJob } from '../../src/jobs/outbox';
import { createRedis } from '../../src/redis';
import { createQueue } from '../../workers/queue';
import { type CourseFixture, insertCourse, insertEnrollment } from '../support/factories/catalog';
import { purchase } from '../support/factories/commerce';
import { insertPeer } from '../support/factories/learning';
import { eventually, startTestServer, type TestServer } from '../support/harness';
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
  /** Runs a stats job for `courseId` and returns its outcome once done. */
  async function recompute(courseId: string): Promise<string> {
    const jobId = await t.db.transaction(async (trx) => enqueueJob(trx, 'recompute-course-stats', { courseId }));
    await eventually(async () => (await queue.getJob(jobId))?.isCompleted(), 15_000, 'recompute');
    // Read again once completed: a job read before its completion carries no return value.
    const job = await queue.getJob(jobId);
    return job!.returnvalue as string;
  }
  const flagged = async (courses: CourseFixture[]): Promise<number[]> => {
    const rows = await t.db('courses').whereIn(
      'id',
      courses.map((c) => c.id),
    );
    const set = new Set(rows.filter((r) => r.is_bestseller).map((r) => r.id));
    return courses.flatMap((c, k) => (set.has(c.id) ? [k] : []));
  };
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
