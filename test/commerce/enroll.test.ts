import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse, insertEnrollment } from '../support/factories/catalog';
import { countRows, outboxJobs } from '../support/factories/commerce';
import { useTestServer } from '../support/harness';
import { registerInstructor, registerLearner } from '../support/users';

const t = useTestServer();

const enroll = (courseId: string, token: string) => t.api.post(`/courses/${courseId}/enroll/`, undefined, { token });

describe('free enrollment', () => {
  it('enrolls in a free course, as the guide shows', async () => {
    const course = await insertCourse(t.db, { title: 'Python Programming Masterclass', priceCents: 0, sections: 5, lessonsPerSection: 7 });
    const learner = await registerLearner(t.api);
    const res = await enroll(course.id, learner.access);
    assert.equal(res.status, 201);
    assert.deepEqual(
      { ...res.body, id: undefined, enrolled_at: undefined },
      {
        id: undefined,
        course_id: course.id,
        course_title: 'Python Programming Masterclass',
        enrolled_at: undefined,
        progress_percent: 0,
        lessons_completed: 0,
        total_lessons: 35,
        is_completed: false,
        message: 'You are now enrolled in Python Programming Masterclass',
      },
    );
    const row = await t.db('enrollments').where({ id: res.body.id }).first();
    assert.equal(row.source, 'free');
    assert.equal(row.user_id, learner.id);
    assert.equal(await outboxJobs(t, 'recompute-course-stats', { courseId: course.id }), 1);

    const again = await enroll(course.id, learner.access);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'ALREADY_ENROLLED');
  });

  it("answers 402 for a paid course, 404 for an unknown or unpublished one, 422 for one's own", async () => {
    const learner = await registerLearner(t.api);
    const paid = await enroll((await insertCourse(t.db, { priceCents: 8999 })).id, learner.access);
    assert.equal(paid.status, 402);
    assert.deepEqual(paid.body.error, {
      code: 'PAYMENT_REQUIRED',
      message: 'This course is not free. Add it to your cart to buy it.',
      status: 402,
    });
    assert.equal((await enroll('00000000-0000-4000-8000-000000000000', learner.access)).body.error.code, 'COURSE_NOT_FOUND');
    const draft = await enroll((await insertCourse(t.db, { priceCents: 0, published: false })).id, learner.access);
    assert.equal(draft.status, 404);
    const instructor = await registerInstructor(t.api);
    const own = await enroll((await insertCourse(t.db, { priceCents: 0, instructorId: instructor.id })).id, instructor.access);
    assert.equal(own.status, 422);
    assert.equal(own.body.error.code, 'CANNOT_BUY_OWN_COURSE');
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id }), 0);

    // Owning a paid course already: "already enrolled" says more than "not free".
    const owned = await insertCourse(t.db, { priceCents: 8999 });
    await insertEnrollment(t.db, learner.id, owned, 'purchase');
    assert.equal((await enroll(owned.id, learner.access)).body.error.code, 'ALREADY_ENROLLED');
  });

  it('makes one enrollment of 20 concurrent calls', async () => {
    const course = await insertCourse(t.db, { priceCents: 0 });
    const learner = await registerLearner(t.api);
    const results = await Promise.all(Array.from({ length: 20 }, () => enroll(course.id, learner.access)));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, ...Array(19).fill(409)]);
    assert.equal(await countRows(t, 'enrollments', { user_id: learner.id, course_id: course.id }), 1);
  });

  it('reactivates a refunded enrollment with its progress', async () => {
    const course = await insertCourse(t.db, { priceCents: 0 });
    const learner = await registerLearner(t.api);
    const first = await enroll(course.id, learner.access);
    await t.db('enrollments').where({ id: first.body.id }).update({ status: 'refunded', progress_percent: 25, lessons_completed: 1 });
    const back = await enroll(course.id, learner.access);
    assert.equal(back.status, 201);
    assert.equal(back.body.id, first.body.id);
    assert.equal(back.body.progress_percent, 25);
    assert.equal((await t.db('enrollments').where({ id: first.body.id }).first()).status, 'active');
  });
});
