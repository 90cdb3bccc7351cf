import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CourseFixture,
  insertCourse,
  insertEnrollment,
  insertInstructor,
  insertLearner,
  upsertCategory,
} from '../support/factories/catalog';
import { useTestServer } from '../support/harness';

let course: CourseFixture;
let instructorToken: string;
const token = (userId: string): string => t.deps.tokens.signAccess(userId);

const t = useTestServer({}, async () => {
  const instructor = await insertInstructor(t.db, { first: 'Angela', last: 'Yu' });
  await t
    .db('users')
    .where({ id: instructor })
    .update({ bio: 'Teaches the web.', profile_picture: 'https://images.example.com/angela.jpg' });
  instructorToken = token(instructor);
  // Two sections of two lessons; only lesson 1.1 is a preview. Every lesson has a video; 1.1 and 2.1 have resources.
  course = await insertCourse(t.db, {
    title: 'Complete Web Development Bootcamp',
    instructorId: instructor,
    lessonMinutes: 15,
    columns: {
      preview_video_url: 'https://player.example.com/promo',
      outcomes: JSON.stringify(['Build sites']),
      requirements: JSON.stringify(['A computer']),
    },
  });
  await t
    .db('lessons')
    .whereIn(
      'id',
      course.lessonIds.filter((_, i) => i === 0 || i === 2),
    )
    .update({ resources: JSON.stringify(['https://cdn.example.com/handout.pdf']) });
});

type Lesson = {
  id: string;
  order: number;
  is_preview: boolean;
  video_url: string | null;
  resources: string[];
  completed: boolean;
  watch_time_seconds: number;
};
const lessonsOf = (body: { curriculum: Array<{ lessons: Lesson[] }> }): Lesson[] => body.curriculum.flatMap((s) => s.lessons);

describe('getCourse', () => {
  it('shows an anonymous viewer the curriculum in order with preview videos only, and no instructor email', async () => {
    const res = await t.api.get(`/courses/${course.slug}/`);
    assert.equal(res.status, 200);
    const body = res.body;
    assert.equal(body.id, course.id);
    assert.equal(body.instructor.email, null);
    assert.deepEqual(body.instructor.profile, {
      bio: 'Teaches the web.',
      profile_picture: 'https://images.example.com/angela.jpg',
      courses_count: 1,
      students_count: 0,
      rating: 0,
    });
    assert.deepEqual(
      body.curriculum.map((s: any) => [s.title, s.order, s.total_lessons, s.total_duration_minutes]),
      [
        ['Section 1', 1, 2, 30],
        ['Section 2', 2, 2, 30],
      ],
    );
    assert.equal(body.duration_hours, 1);
    assert.deepEqual(
      lessonsOf(body).map((l) => [l.id, l.order, l.is_preview, l.video_url, l.resources]),
      [
        [course.lessonIds[0], 1, true, 'https://player.example.com/video/1-1', ['https://cdn.example.com/handout.pdf']],
        [course.lessonIds[1], 2, false, null, []],
        [course.lessonIds[2], 3, false, null, []],
        [course.lessonIds[3], 4, false, null, []],
      ],
    );
    assert.deepEqual(body.user_status, { enrolled: false, progress: null, in_cart: false, in_wishlist: false, enrollment_date: null });
    assert.deepEqual(
      [body.outcomes, body.requirements, body.preview_video_url],
      [['Build sites'], ['A computer'], 'https://player.example.com/promo'],
    );
    assert.ok(!JSON.stringify(body).includes('@example.com'));
  });

  it('is the same page by UUID, and 404 COURSE_NOT_FOUND for an unknown id or slug', async () => {
    const byId = await t.api.get(`/courses/${course.id}/`);
    assert.equal(byId.body.slug, course.slug);
    for (const id of ['no-such-course', '00000000-0000-4000-8000-000000000000', 'Not_A_Slug']) {
      const res = await t.api.get(`/courses/${id}/`);
      assert.equal(res.status, 404, id);
      assert.equal(res.body.error.code, 'COURSE_NOT_FOUND');
    }
  });

  it('hides the same content from a signed-in learner who is not enrolled, but shows their cart and wishlist', async () => {
    const learner = await insertLearner(t.db);
    const [cart] = await t.db('carts').insert({ user_id: learner }).returning('id');
    await t.db('cart_items').insert({ cart_id: cart.id, course_id: course.id });
    const res = await t.api.get(`/courses/${course.id}/`, { token: token(learner) });
    assert.deepEqual(
      lessonsOf(res.body).map((l) => l.video_url !== null),
      [true, false, false, false],
    );
    assert.equal(res.body.instructor.email, null);
    assert.deepEqual(res.body.user_status, { enrolled: false, progress: null, in_cart: true, in_wishlist: false, enrollment_date: null });
  });

  it('unlocks every lesson for an enrolled learner and shows their own progress only', async () => {
    const learner = await insertLearner(t.db);
    const other = await insertLearner(t.db);
    const enrollment = await insertEnrollment(t.db, learner, course);
    const otherEnrollment = await insertEnrollment(t.db, other, course);
    await t.db('enrollments').where({ id: enrollment }).update({ progress_percent: 25, enrolled_at: '2026-01-15T10:00:00Z' });
    await t.db('lesson_progress').insert([
      { enrollment_id: enrollment, lesson_id: course.lessonIds[1], watch_time_seconds: 840, completed_at: new Date() },
      { enrollment_id: enrollment, lesson_id: course.lessonIds[2], watch_time_seconds: 60 },
      { enrollment_id: otherEnrollment, lesson_id: course.lessonIds[3], watch_time_seconds: 900, completed_at: new Date() },
    ]);
    const res = await t.api.get(`/courses/${course.slug}/`, { token: token(learner) });
    assert.deepEqual(
      lessonsOf(res.body).map((l) => [l.video_url !== null, l.resources.length, l.completed, l.watch_time_seconds]),
      [
        [true, 1, false, 0],
        [true, 0, true, 840],
        [true, 1, false, 60],
        [true, 0, false, 0],
      ],
    );
    assert.equal(res.body.instructor.email, null);
    assert.deepEqual(res.body.user_status, {
      enrolled: true,
      progress: 25,
      in_cart: false,
      in_wishlist: false,
      enrollment_date: '2026-01-15T10:00:00.000Z',
    });
    assert.equal(res.body.instructor.profile.students_count, 2);

    await t.db('enrollments').where({ id: enrollment }).update({ status: 'refunded' });
    const refunded = await t.api.get(`/courses/${course.slug}/`, { token: token(learner) });
    assert.deepEqual(
      lessonsOf(refunded.body).map((l) => l.video_url !== null),
      [true, false, false, false],
    );
    assert.equal(refunded.body.user_status.enrolled, false);
    assert.equal(refunded.body.instructor.profile.students_count, 1);
  });

  it('shows the instructor their email and every lesson', async () => {
    const res = await t.api.get(`/courses/${course.id}/`, { token: instructorToken });
    assert.match(res.body.instructor.email, /^instructor-.*@example\.com$/);
    assert.ok(lessonsOf(res.body).every((l) => l.video_url !== null));
  });

  it('shows an unpublished course to its instructor only', async () => {
    const draft = await insertCourse(t.db, { title: 'Draft Course', instructorId: course.instructorId, published: false });
    assert.equal((await t.api.get(`/courses/${draft.id}/`, { token: instructorToken })).status, 200);
    for (const tok of [undefined, token(await insertLearner(t.db)), token(await insertInstructor(t.db))]) {
      const res = await t.api.get(`/courses/${draft.slug}/`, { token: tok });
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'COURSE_NOT_FOUND');
    }
  });

  it('summarizes the reviews exactly: count, average, distribution and the five newest', async () => {
    const reviewed = await insertCourse(t.db, { title: 'Reviewed Course', instructorId: course.instructorId });
    const ratings = [5, 5, 4, 3, 5, 1];
    for (const [i, rating] of ratings.entries()) {
      const learner = await insertLearner(t.db, { first: `R${i}`, last: 'Viewer' });
      await insertEnrollment(t.db, learner, reviewed);
      const res = await t.api.post(`/courses/${reviewed.id}/reviews/`, { rating, title: `Review ${i}` }, { token: token(learner) });
      assert.equal(res.status, 201);
    }
    const res = await t.api.get(`/courses/${reviewed.id}/`);
    assert.deepEqual(
      { count: res.body.reviews.count, average: res.body.reviews.average_rating, distribution: res.body.reviews.distribution },
      { count: 6, average: 3.8, distribution: { '1': 1, '2': 0, '3': 1, '4': 1, '5': 3 } },
    );
    assert.deepEqual([res.body.rating, res.body.rating_count, res.body.review_count], [3.8, 6, 6]);
    assert.deepEqual(
      res.body.reviews.recent.map((r: { title: string }) => r.title),
      ['Review 5', 'Review 4', 'Review 3', 'Review 2', 'Review 1'],
    );
    // The instructor's rating covers the reviews of all their published courses: 23 stars over 6 reviews.
    assert.equal(res.body.instructor.profile.rating, 3.8);
    assert.equal(res.body.instructor.profile.courses_count, 2);
  });
});

describe('listCategories', () => {
  it('lists every category by name with its published course count, 0 included', async () => {
    await upsertCategory(t.db, 'Zoology');
    await insertCourse(t.db, { title: 'Unpublished Zoology', categoryName: 'Zoology', published: false });
    const res = await t.api.get('/categories/');
    assert.equal(res.status, 200);
    const rows = res.body.results.map((r: { name: string; slug: string; course_count: number; description: string }) => [
      r.name,
      r.slug,
      r.course_count,
      r.description,
    ]);
    assert.deepEqual(rows, [
      ['Development', 'development', 2, ''],
      ['Zoology', 'zoology', 0, ''],
    ]);
  });
});
