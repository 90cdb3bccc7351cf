import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CourseFixture, insertCourse } from '../support/factories/catalog';
import { countRows, deliverWebhook, orderCourses, purchase, stripeEvent } from '../support/factories/commerce';
import { eventually, useTestServer } from '../support/harness';
import { registerLearner, type TestUser } from '../support/users';

const t = useTestServer({ stripe: true });

async function bought(courses: CourseFixture[]): Promise<{ learner: TestUser; orderId: string }> {
  const learner = await registerLearner(t.api);
  return {
    learner,
    orderId: await purchase(
      t,
      learner,
      courses.map((c) => c.id),
    ),
  };
}

const refund = (user: TestUser, orderId: string, body?: unknown) => t.api.post(`/orders/${orderId}/refund/`, body, { token: user.access });

describe('refunds', () => {
  it('refunds a recent, barely started order through Stripe: order refunded, access lost, refund confirmed by webhook', async () => {
    const a = await insertCourse(t.db, { priceCents: 8999 });
    const b = await insertCourse(t.db, { priceCents: 7999 });
    const { learner, orderId } = await bought([a, b]);
    await t.db('enrollments').where({ user_id: learner.id, course_id: a.id }).update({ progress_percent: 29 });

    // Stripe's confirmation is held back to see the refund pending, then delivered.
    t.stripe!.deliverWebhooks = false;
    const res = await refund(learner, orderId, { reason: 'The course content is not what I expected.' }).finally(() => {
      t.stripe!.deliverWebhooks = true;
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'refunded');
    assert.equal(res.body.refund.amount, 169.98);
    assert.equal(res.body.refund.status, 'pending');
    assert.equal(res.body.receipt_url, `${t.config.publicBaseUrl}/orders/${orderId}/receipt/`, 'the receipt stays');
    const enrollments = await t.db('enrollments').where({ user_id: learner.id });
    assert.deepEqual(
      enrollments.map((e) => e.status),
      ['refunded', 'refunded'],
    );
    assert.equal(enrollments.find((e) => e.course_id === a.id).progress_percent, 29, 'progress is kept');

    const refunds = [...t.stripe!.account.refunds.values()].filter((r) => r.metadata.order_id === orderId);
    assert.equal(refunds.length, 1);
    assert.equal(refunds[0]?.amount, 16998);
    const payment = await t.db('payments').where({ order_id: orderId }).first();
    assert.equal(
      (
        await deliverWebhook(
          t,
          stripeEvent(t, 'charge.refunded', t.stripe!.account.paymentIntents.get(payment.stripe_payment_intent_id)!.latest_charge!),
        )
      ).status,
      200,
    );
    const after = await t.api.get(`/orders/${orderId}/`, { token: learner.access });
    assert.equal(after.body.refund.status, 'succeeded');
    assert.equal(after.body.refund.id, res.body.refund.id);

    const twice = await refund(learner, orderId);
    assert.equal(twice.status, 422);
    assert.deepEqual(twice.body.error, {
      code: 'REFUND_NOT_ALLOWED',
      message: 'This order cannot be refunded',
      status: 422,
      details: { reason: ['This order has already been refunded.'] },
    });
    // The course can be bought again; the enrollment comes back with its progress.
    await purchase(t, learner, [a.id]);
    const back = await t.db('enrollments').where({ user_id: learner.id, course_id: a.id }).first();
    assert.equal(back.status, 'active');
    assert.equal(back.progress_percent, 29);
  });

  it('refunds once when asked twice at the same time', async () => {
    const { learner, orderId } = await bought([await insertCourse(t.db, { priceCents: 1999 })]);
    const results = await Promise.all(Array.from({ length: 5 }, () => refund(learner, orderId)));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 422, 422, 422, 422]);
    assert.equal([...t.stripe!.account.refunds.values()].filter((r) => r.metadata.order_id === orderId).length, 1);
    assert.equal(await countRows(t, 'refunds', { order_id: orderId }), 1);
  });

  it('refuses, with the reason, an order that is not completed, too old, or too consumed', async () => {
    const learner = await registerLearner(t.api);
    const pending = await orderCourses(t, learner, [(await insertCourse(t.db, { priceCents: 1000 })).id]);
    const notCompleted = await refund(learner, pending.id);
    assert.equal(notCompleted.status, 422);
    assert.deepEqual(notCompleted.body.error.details, { reason: ['Only completed orders can be refunded.'] });

    const old = await bought([await insertCourse(t.db, { priceCents: 1000 })]);
    await t
      .db('orders')
      .where({ id: old.orderId })
      .update({ completed_at: t.db.raw("now() - interval '31 days'") });
    assert.deepEqual((await refund(old.learner, old.orderId)).body.error.details, {
      reason: ['Orders can be refunded within 30 days of purchase.'],
    });

    const progressed = await insertCourse(t.db, { title: 'Thirty Percent Course', priceCents: 1000 });
    const p = await bought([progressed]);
    await t.db('enrollments').where({ user_id: p.learner.id }).update({ progress_percent: 30 });
    assert.deepEqual((await refund(p.learner, p.orderId)).body.error.details, {
      reason: ['You have consumed 30% or more of Thirty Percent Course.'],
    });
  });

  it('counts the video watched, each lesson up to its length, against the 30%', async () => {
    /** A bought course of 4 lessons of 10 minutes (2400 s), with these seconds watched of its first lessons. */
    async function watched(title: string, seconds: number[]): Promise<{ status: number; body: any }> {
      const course = await insertCourse(t.db, { title, priceCents: 1000, sections: 1, lessonsPerSection: 4, lessonMinutes: 10 });
      const { learner, orderId } = await bought([course]);
      const enrollment = await t.db('enrollments').where({ user_id: learner.id }).first();
      await t
        .db('lesson_progress')
        .insert(seconds.map((s, i) => ({ enrollment_id: enrollment.id, lesson_id: course.lessonIds[i], watch_time_seconds: s })));
      return refund(learner, orderId);
    }
    assert.equal((await watched('Just Under', [600, 119])).status, 200, '719 s of 2400 s is under 30%');
    // One lesson replayed for an hour still counts 600 s (25%).
    assert.equal((await watched('Replayed', [3600])).status, 200);
    const refused = await watched('Watched Enough', [600, 120]);
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body.error.details, { reason: ['You have consumed 30% or more of Watched Enough.'] });
  });

  it('stays refunded when a success arrives afterwards, by webhook or by confirm-payment', async () => {
    const { learner, orderId } = await bought([await insertCourse(t.db, { priceCents: 1500 })]);
    assert.equal((await refund(learner, orderId)).status, 200);
    const payment = await t.db('payments').where({ order_id: orderId }).first();
    const succeeded = stripeEvent(t, 'payment_intent.succeeded', payment.stripe_payment_intent_id) as { id: string };
    const replay = await deliverWebhook(t, { ...succeeded, id: `${succeeded.id}late` });
    assert.deepEqual(replay.body, { received: true, duplicate: false });
    const confirm = await t.api.post(
      '/payments/confirm-payment/',
      { order_id: orderId, payment_intent_id: payment.stripe_payment_intent_id },
      { token: learner.access },
    );
    assert.equal(confirm.status, 409);
    assert.equal(confirm.body.error.message, 'This order is not awaiting payment (status refunded)');
    assert.equal((await t.db('orders').where({ id: orderId }).first()).status, 'refunded');
    assert.equal((await t.db('enrollments').where({ user_id: learner.id }).first()).status, 'refunded');
  });

  it("answers ORDER_NOT_FOUND for another user's order and changes nothing", async () => {
    const { orderId } = await bought([await insertCourse(t.db, { priceCents: 1000 })]);
    const other = await registerLearner(t.api);
    const res = await refund(other, orderId);
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'ORDER_NOT_FOUND');
    assert.equal((await t.db('orders').where({ id: orderId }).first()).status, 'completed');
  });

  it('refunds the order when Stripe reports a full refund made elsewhere (its dashboard)', async () => {
    const course = await insertCourse(t.db, { priceCents: 4200 });
    const { learner, orderId } = await bought([course]);
    const payment = await t.db('payments').where({ order_id: orderId }).first();
    await t.deps.stripe.refunds.create({ payment_intent: payment.stripe_payment_intent_id });
    await eventually(
      async () => (await t.db('orders').where({ id: orderId }).first()).status === 'refunded',
      10_000,
      'the dashboard refund',
    );
    const order = await t.api.get(`/orders/${orderId}/`, { token: learner.access });
    assert.equal(order.body.refund.status, 'succeeded');
    assert.equal(order.body.refund.amount, 42);
    assert.equal((await t.db('enrollments').where({ user_id: learner.id }).first()).status, 'refunded');
  });

  it("takes the refunded learner's review out of the lists and the rating figures, exactly, until they own the course again", async () => {
    const course = await insertCourse(t.db, { priceCents: 2500, published: true });
    const fan = await bought([course]);
    const buyer = await bought([course]);
    const review = async (user: TestUser, body: object) => t.api.post(`/courses/${course.id}/reviews/`, body, { token: user.access });
    assert.equal((await review(fan.learner, { rating: 5, title: 'Great' })).status, 201);
    const oneStar = await review(buyer.learner, { rating: 1, title: 'Awful' });
    assert.equal(oneStar.status, 201);
    const figures = async () => {
      const page = await t.api.get(`/courses/${course.id}/`);
      assert.equal(page.status, 200);
      const list = await t.api.get(`/courses/${course.id}/reviews/`);
      assert.equal(list.status, 200);
      const ones = await t.api.get(`/courses/${course.id}/reviews/?rating=1`);
      return {
        count: page.body.reviews.count,
        average: page.body.reviews.average_rating,
        distribution: page.body.reviews.distribution,
        recent: page.body.reviews.recent.map((r: { rating: number }) => r.rating),
        listed: list.body.results.map((r: { rating: number }) => r.rating),
        listCount: list.body.count,
        oneStarCount: ones.body.count,
      };
    };
    assert.deepEqual(await figures(), {
      count: 2,
      average: 3,
      distribution: { 1: 1, 2: 0, 3: 0, 4: 0, 5: 1 },
      recent: [1, 5],
      listed: [1, 5],
      listCount: 2,
      oneStarCount: 1,
    });

    assert.equal((await refund(buyer.learner, buyer.orderId)).status, 200);
    const hidden = {
      count: 1,
      average: 5,
      distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 },
      recent: [5],
      listed: [5],
      listCount: 1,
      oneStarCount: 0,
    };
    assert.deepEqual(await figures(), hidden);
    const stored = await t.db('courses').where({ id: course.id }).first();
    assert.deepEqual([stored.review_count, stored.rating_count, Number(stored.rating_avg), stored.rating_1], [1, 1, 5, 0]);
    // Nobody can vote on it; its author can still withdraw it, or see it come back by buying the course again.
    const vote = await t.api.post(`/reviews/${oneStar.body.id}/helpful/`, undefined, { token: fan.learner.access });
    assert.deepEqual([vote.status, vote.body.error?.code], [404, 'REVIEW_NOT_FOUND']);
    const again = await review(buyer.learner, { rating: 2 });
    assert.deepEqual([again.status, again.body.error.code], [403, 'NOT_ENROLLED']);
    await purchase(t, buyer.learner, [course.id]);
    assert.deepEqual((await figures()).count, 2);
    const withdrawn = await t.api.delete(`/reviews/${oneStar.body.id}/`, { token: buyer.learner.access });
    assert.equal(withdrawn.status, 204);
    assert.deepEqual(await figures(), hidden);
  });
});
