import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { createRedis } from '../../src/redis';
import { INSIGHT_TABLES } from '../../src/repositories/insightAggregates';
import { rebuildInsights, recomputeCourseInsights, recomputeOrderInsights } from '../../src/services/insightAggregates';
import { createQueue } from '../../workers/queue';
import { type CourseFixture, insertCourse } from '../support/factories/catalog';
import { orderCourses, payThroughApi } from '../support/factories/commerce';
import { eventually, startTestServer, type TestServer } from '../support/harness';
import { registerInstructor, registerLearner, type TestUser } from '../support/users';

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

const today = (): string => new Date().toISOString().slice(0, 10);

/** Every outbox row handed over and every job run: the aggregates are as the events left them. */
async function jobsSettled(): Promise<void> {
  await eventually(
    async () => {
      const unsent = (await t.db('outbox').whereNull('sent_at').first(t.db.raw('count(*)::int AS n'))) as { n: number };
      if (unsent.n > 0) return false;
      const failed = await queue.getJobs(['failed']);
      assert.deepEqual(
        failed.map((j) => `${j.name}: ${j.failedReason}`),
        [],
      );
      // The scheduled jobs (reconcile, streaks, the nightly rebuild) wait in "delayed" for good: not counted.
      const pending = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
      return pending.every((j) => j.repeatJobKey);
    },
    30_000,
    'the insight jobs to run',
  );
}

/** Every insight row, computed_at aside, in a stable order. */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const table of INSIGHT_TABLES) {
    const rows = (await t.db(table).select('*')) as Record<string, unknown>[];
    tables[table] = rows
      .map(({ computed_at: _c, ...row }) => JSON.stringify(row, Object.keys(row).sort()))
      .sort()
      .map((s) => JSON.parse(s));
  }
  return tables;
}

/**
 * A purchase through the API; `discounts` (cents per course id) stands for coupons frozen on the order's lines before
 * payment (order_items.discount_cents, summed into orders.discount_cents), as create-from-cart does with a real code.
 */
async function buy(user: TestUser, courses: CourseFixture[], discounts: Record<string, number> = {}): Promise<string> {
  const order = await orderCourses(
    t,
    user,
    courses.map((c) => c.id),
  );
  const total = Object.values(discounts).reduce((a, d) => a + d, 0);
  if (total > 0) {
    for (const [courseId, cents] of Object.entries(discounts)) {
      await t.db('order_items').where({ order_id: order.id, course_id: courseId }).update({ discount_cents: cents });
    }
    await t
      .db('orders')
      .where({ id: order.id })
      .update({ discount_cents: total, total_cents: t.db.raw('subtotal_cents - ?', [total]) });
  }
  await payThroughApi(t, user, order.id);
  return order.id;
}

async function enrollmentId(user: TestUser, course: CourseFixture): Promise<string> {
  return ((await t.db('enrollments').where({ user_id: user.id, course_id: course.id }).first('id')) as { id: string }).id;
}

async function completeLessons(user: TestUser, course: CourseFixture, count: number): Promise<void> {
  const id = await enrollmentId(user, course);
  for (const lessonId of course.lessonIds.slice(0, count)) {
    const res = await t.api.post(`/enrollments/${id}/mark-lesson-complete/`, { lesson_id: lessonId }, { token: user.access });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
}

async function review(user: TestUser, course: CourseFixture, rating: number): Promise<string> {
  const res = await t.api.post(
    `/courses/${course.id}/reviews/`,
    { rating, title: 'My view', comment: 'Said here.' },
    { token: user.access },
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

describe('instructor insights', () => {
  let instructor: TestUser;
  let other: TestUser;
  let learners: TestUser[];
  let a: CourseFixture;
  let b: CourseFixture;
  let foreign: CourseFixture;
  let free: CourseFixture;

  before(async () => {
    [instructor, other] = await Promise.all([registerInstructor(t.api), registerInstructor(t.api)]);
    learners = await Promise.all([registerLearner(t.api), registerLearner(t.api), registerLearner(t.api)]);
    a = await insertCourse(t.db, { instructorId: instructor.id, priceCents: 8999, sections: 2, lessonsPerSection: 2 });
    b = await insertCourse(t.db, { instructorId: instructor.id, priceCents: 4999, sections: 1, lessonsPerSection: 2 });
    foreign = await insertCourse(t.db, { instructorId: other.id, priceCents: 2999 });
    free = await insertCourse(t.db, { instructorId: instructor.id, priceCents: 0 });
    const [l1, l2, l3] = learners as [TestUser, TestUser, TestUser];

    // l1: both courses in one order with a 10.00 coupon on course A; l2: course A, refunded; l3: course B; l3 also buys
    // the other instructor's course, which must show nowhere in this instructor's figures.
    await buy(l1, [a, b], { [a.id]: 1000 });
    const refunded = await buy(l2, [a]);
    await buy(l3, [b, foreign]);
    const res = await t.api.post(`/orders/${refunded}/refund/`, { reason: 'Not for me.' }, { token: l2.access });
    assert.equal(res.status, 200, JSON.stringify(res.body));

    await completeLessons(l1, a, 2);
    await completeLessons(l3, b, 1);
    await review(l1, a, 5);
    const edited = await review(l3, b, 2);
    // A free enrollment, and a review written then deleted: both must reach the aggregates too.
    const enrolled = await t.api.post(`/courses/${free.id}/enroll/`, undefined, { token: l2.access });
    assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
    const doomed = await review(l2, free, 1);
    // The edit and the deletion come after the jobs above ran, so only their own jobs can bring them in.
    await jobsSettled();
    const patched = await t.api.patch(`/reviews/${edited}/`, { rating: 3 }, { token: l3.access });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const deleted = await t.api.delete(`/reviews/${doomed}/`, { token: l2.access });
    assert.equal(deleted.status, 204);
    await jobsSettled();
  });

  const get = (path: string, user: TestUser = instructor) => t.api.request('GET', path, { token: user.access });

  it('shows sales, refunds and coupon use per day and per course, from the aggregates the jobs kept', async () => {
    const res = await get(`/instructor/insights/sales/?from=${today()}&to=${today()}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // Order 1: 8999 − 1000 (the coupon on A's line) + 4999 (B at full price: the discount is not spread over the
    // order). Order 2 (A) refunded today. Order 3 (B): full price.
    const totals = {
      sales_count: 4,
      gross_cents: 8999 - 1000 + 4999 + 8999 + 4999,
      refunds_count: 1,
      refunded_cents: 8999,
      net_cents: 8999 - 1000 + 4999 + 4999,
      discounted_sales_count: 1,
      discount_cents: 1000,
    };
    assert.deepEqual(res.body.totals, totals);
    assert.deepEqual(res.body.periods, [{ period_start: today(), ...totals }]);
    assert.equal(res.body.currency, 'usd');
    const byCourse = Object.fromEntries(res.body.courses.map((c: { course_id: string }) => [c.course_id, c]));
    assert.deepEqual(Object.keys(byCourse).sort(), [a.id, b.id].sort(), 'only the caller’s own courses');
    assert.equal(byCourse[a.id].gross_cents, 8999 - 1000 + 8999);
    assert.equal(byCourse[a.id].net_cents, 8999 - 1000);
    assert.equal(byCourse[a.id].discount_cents, 1000);
    assert.equal(byCourse[b.id].discount_cents, 0);
    assert.equal(byCourse[b.id].sales_count, 2);

    const filtered = await get(`/instructor/insights/sales/?from=${today()}&to=${today()}&course_id=${b.id}`);
    assert.equal(filtered.status, 200);
    assert.equal(filtered.body.totals.gross_cents, 4999 + 4999);

    const months = await get(`/instructor/insights/sales/?granularity=month&from=2026-01-15&to=${today()}`);
    assert.equal(months.status, 200);
    assert.equal(months.body.periods[0].period_start, '2026-01-01', 'a month period starts on the 1st');
    assert.equal(months.body.periods.at(-1).period_start, `${today().slice(0, 8)}01`);
    assert.equal(months.body.totals.sales_count, 4);
  });

  it('shows learners, completion, activity, lesson engagement with the drop-off, and reviews', async () => {
    const learnersRes = await get('/instructor/insights/learners/');
    assert.equal(learnersRes.status, 200, JSON.stringify(learnersRes.body));
    // A: l1 (l2 was refunded); B: l1 and l3; the free course: l2. Progress: l1 on A 2/4 = 50%, l3 on B 1/2 = 50%,
    // the others 0.
    assert.deepEqual(learnersRes.body.totals, {
      learners: 4,
      completed_learners: 0,
      completion_rate_percent: 0,
      average_progress_percent: 25,
      active_last_7_days: 2,
      active_last_30_days: 2,
    });
    assert.equal(learnersRes.body.periods.length, 30, 'the last 30 days by default');
    assert.deepEqual(learnersRes.body.periods.at(-1), { period_start: today(), enrollments: 4, completions: 0 });

    const engagement = await get(`/instructor/courses/${a.id}/insights/engagement/`);
    assert.equal(engagement.status, 200, JSON.stringify(engagement.body));
    assert.equal(engagement.body.learners, 1);
    assert.deepEqual(
      engagement.body.lessons.map((l: Record<string, unknown>) => [
        l.lesson_id,
        l.position,
        l.learners_started,
        l.learners_completed,
        l.learners_stopped,
      ]),
      [
        [a.lessonIds[0], 1, 1, 1, 0],
        [a.lessonIds[1], 2, 1, 1, 1],
        [a.lessonIds[2], 3, 0, 0, 0],
        [a.lessonIds[3], 4, 0, 0, 0],
      ],
    );
    assert.equal(engagement.body.drop_off_lesson_id, a.lessonIds[1]);

    const reviews = await get('/instructor/insights/reviews/?granularity=week');
    assert.equal(reviews.status, 200, JSON.stringify(reviews.body));
    assert.deepEqual(reviews.body.totals, {
      reviews_count: 2,
      average_rating: 4,
      distribution: { '1': 0, '2': 0, '3': 1, '4': 0, '5': 1 },
    });
    assert.equal(new Date(`${reviews.body.periods[0].period_start}T00:00:00Z`).getUTCDay(), 1, 'weeks start on Monday');
  });

  it('gives the same numbers from a full rebuild as the incremental jobs left, even with recomputes racing', async () => {
    const incremental = await snapshot();
    assert.ok(incremental.insight_sales_daily!.length >= 2 && incremental.insight_lesson_engagement!.length >= 3);
    await rebuildInsights(t.db);
    assert.deepEqual(await snapshot(), incremental);

    // Concurrent recomputes of the same slices and a rebuild among them: keys and locks leave each row once.
    const orders = ((await t.db('orders').select('id')) as { id: string }[]).map((o) => o.id);
    await Promise.all([
      ...Array.from({ length: 6 }, () => recomputeCourseInsights(t.db, a.id)),
      ...orders.flatMap((id) => [recomputeOrderInsights(t.db, id), recomputeOrderInsights(t.db, id)]),
      rebuildInsights(t.db),
      recomputeCourseInsights(t.db, b.id),
    ]);
    assert.deepEqual(await snapshot(), incremental);
  });

  it('answers only the instructor about their own courses', async () => {
    const [learner] = learners as [TestUser];
    for (const path of ['/instructor/insights/sales/', '/instructor/insights/learners/', '/instructor/insights/reviews/']) {
      const foreignFilter = await get(`${path}?course_id=${foreign.id}`);
      assert.equal(foreignFilter.status, 404, path);
      assert.equal(foreignFilter.body.error.code, 'COURSE_NOT_FOUND');
      const asLearner = await get(path, learner);
      assert.equal(asLearner.status, 403, path);
      assert.equal(asLearner.body.error.code, 'PERMISSION_DENIED');
      const own = await get(path, other);
      assert.equal(own.status, 200);
      assert.ok(!JSON.stringify(own.body).includes(a.id), 'another instructor sees none of these courses');
    }
    const engagement = await get(`/instructor/courses/${a.id}/insights/engagement/`, other);
    assert.equal(engagement.status, 404);
    assert.equal(engagement.body.error.code, 'COURSE_NOT_FOUND');
    const otherSales = await get(`/instructor/insights/sales/?from=${today()}&to=${today()}`, other);
    assert.equal(otherSales.body.totals.gross_cents, 2999, 'the other instructor sees only their own sale');
  });

  it('refuses a reversed or too long window with a 422 on the field', async () => {
    const reversed = await get('/instructor/insights/sales/?from=2026-02-01&to=2026-01-01');
    assert.equal(reversed.status, 422);
    assert.equal(reversed.body.error.code, 'VALIDATION_ERROR');
    assert.ok(reversed.body.error.details.from);
    const long = await get('/instructor/insights/learners/?from=2020-01-01&to=2026-01-01');
    assert.equal(long.status, 422);
    assert.ok(long.body.error.details.from);
    const badDate = await get('/instructor/insights/reviews/?from=2026-02-30');
    assert.equal(badDate.status, 422);
    const early = await get('/instructor/insights/reviews/?from=1969-12-31&to=1970-01-05');
    assert.equal(early.status, 422);
    assert.ok(early.body.error.details.from);
    // The end of the calendar: the series stops at the window's end (ISO strings past 9999 would not compare).
    const last = await get('/instructor/insights/sales/?granularity=month&from=9999-01-01&to=9999-12-31');
    assert.equal(last.status, 200);
    assert.equal(last.body.periods.length, 12);
  });
});
