import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type CourseFixture, insertCourse, insertEnrollment, insertLearner } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';

const t = useTestServer();
const token = (userId: string): string => t.deps.tokens.signAccess(userId);

/** A learner row enrolled in the course, and their token. */
async function enrolled(course: CourseFixture, name?: { first: string; last: string }): Promise<{ id: string; token: string }> {
  const id = await insertLearner(t.db, name);
  await insertEnrollment(t.db, id, course);
  return { id, token: token(id) };
}

/** The course's rating figures next to a recount of its reviews. */
async function figures(courseId: string): Promise<{ stored: number[]; recount: number[] }> {
  const c = await t.db('courses').where({ id: courseId }).first();
  const { rows } = await t.db.raw(
    `SELECT count(*)::int n, coalesce(round(avg(rating), 2), 0)::float avg,
            count(*) FILTER (WHERE rating = 1)::int r1, count(*) FILTER (WHERE rating = 2)::int r2, count(*) FILTER (WHERE rating = 3)::int r3,
            count(*) FILTER (WHERE rating = 4)::int r4, count(*) FILTER (WHERE rating = 5)::int r5
     FROM reviews WHERE course_id = ?`,
    [courseId],
  );
  const r = rows[0];
  return {
    stored: [c.review_count, c.rating_count, c.rating_avg, c.rating_1, c.rating_2, c.rating_3, c.rating_4, c.rating_5],
    recount: [r.n, r.n, r.avg, r.r1, r.r2, r.r3, r.r4, r.r5],
  };
}

describe('createCourseReview', () => {
  it('lets an enrolled learner review once, and keeps the course figures in step', async () => {
    const course = await insertCourse(t.db);
    const learner = await enrolled(course, { first: 'John', last: 'Smith' });
    const res = await t.api.post(
      `/courses/${course.id}/reviews/`,
      { rating: 5, title: '  Excellent course!  ', comment: 'I learned so much.' },
      { token: learner.token },
    );
    assert.equal(res.status, 201);
    assert.deepEqual(
      { ...res.body, id: undefined, created_at: undefined, updated_at: undefined },
      {
        id: undefined,
        author: { id: learner.id, first_name: 'John', last_name: 'Smith', avatar: null },
        rating: 5,
        title: 'Excellent course!',
        comment: 'I learned so much.',
        helpful_count: 0,
        created_at: undefined,
        updated_at: undefined,
        is_helpful_by_me: false,
      },
    );
    assert.equal(res.body.created_at, res.body.updated_at);
    const again = await t.api.post(`/courses/${course.id}/reviews/`, { rating: 1 }, { token: learner.token });
    assert.deepEqual([again.status, again.body.error.code], [409, 'REVIEW_ALREADY_EXISTS']);
    const { stored, recount } = await figures(course.id);
    assert.deepEqual(stored, recount);
    assert.deepEqual(stored, [1, 1, 5, 0, 0, 0, 0, 1]);
  });

  it('refuses anyone not enrolled: a stranger, a refunded learner and the instructor (403 NOT_ENROLLED)', async () => {
    const course = await insertCourse(t.db);
    const refunded = await enrolled(course);
    await t.db('enrollments').where({ user_id: refunded.id }).update({ status: 'refunded' });
    for (const tok of [token(await insertLearner(t.db)), refunded.token, token(course.instructorId)]) {
      const res = await t.api.post(`/courses/${course.id}/reviews/`, { rating: 4 }, { token: tok });
      assert.deepEqual([res.status, res.body.error.code], [403, 'NOT_ENROLLED']);
    }
    assert.equal((await t.db('reviews').where({ course_id: course.id })).length, 0);
  });

  it('validates the body: rating 1-5, lengths, no privileged fields; unknown or unpublished course is 404', async () => {
    const course = await insertCourse(t.db);
    const learner = await enrolled(course);
    for (const [body, field] of [
      [{ rating: 6 }, 'rating'],
      [{ rating: 0 }, 'rating'],
      [{ rating: 4, helpful_count: 99 }, 'helpful_count'],
      [{ rating: 4, title: 'x'.repeat(121) }, 'title'],
      [{}, 'rating'],
      [{ rating: 4, comment: 'a\u0000b' }, 'comment'],
    ] as const) {
      const res = await t.api.post(`/courses/${course.id}/reviews/`, body, { token: learner.token });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.ok(res.body.error.details[field], JSON.stringify(res.body));
    }
    const missing = await t.api.post('/courses/00000000-0000-4000-8000-000000000000/reviews/', { rating: 4 }, { token: learner.token });
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'COURSE_NOT_FOUND']);
    const draft = await insertCourse(t.db, { published: false });
    const draftLearner = await enrolled(draft);
    assert.equal((await t.api.post(`/courses/${draft.id}/reviews/`, { rating: 4 }, { token: draftLearner.token })).status, 404);
  });

  it('keeps the figures exact under 50 concurrent reviews by 50 learners', async () => {
    const course = await insertCourse(t.db);
    const learners = await Promise.all(Array.from({ length: 50 }, () => enrolled(course)));
    const results = await Promise.all(
      learners.map((l, i) => t.api.post(`/courses/${course.id}/reviews/`, { rating: (i % 5) + 1 }, { token: l.token })),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(50).fill(201),
    );
    const { stored, recount } = await figures(course.id);
    assert.deepEqual(stored, recount);
    assert.deepEqual(stored, [50, 50, 3, 10, 10, 10, 10, 10]);
    const page = await t.api.get(`/courses/${course.id}/`);
    assert.deepEqual(
      [page.body.rating, page.body.reviews.count, page.body.reviews.distribution],
      [3, 50, { '1': 10, '2': 10, '3': 10, '4': 10, '5': 10 }],
    );
  });

  it('lets exactly one of 10 concurrent reviews by the same learner win', async () => {
    const course = await insertCourse(t.db);
    const learner = await enrolled(course);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => t.api.post(`/courses/${course.id}/reviews/`, { rating: 4 }, { token: learner.token })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [201, ...Array(9).fill(409)]);
    const { stored, recount } = await figures(course.id);
    assert.deepEqual(stored, recount);
  });
});

describe('listCourseReviews', () => {
  let course: CourseFixture;
  const ids: Record<string, string> = {};
  let voter: { id: string; token: string };

  before(async () => {
    course = await insertCourse(t.db);
    voter = await enrolled(course);
    // rating, helpful votes, age in hours
    const plan: Array<[string, number, number, number]> = [
      ['r1', 5, 3, 5],
      ['r2', 3, 0, 4],
      ['r3', 5, 1, 3],
      ['r4', 1, 3, 2],
      ['r5', 4, 2, 1],
    ];
    for (const [key, rating, helpful, hoursAgo] of plan) {
      const author = await enrolled(course, { first: key, last: 'Author' });
      const created = new Date(Date.now() - hoursAgo * 3_600_000);
      const [row] = await t
        .db('reviews')
        .insert({
          course_id: course.id,
          user_id: author.id,
          rating,
          title: key,
          helpful_count: helpful,
          created_at: created,
          updated_at: created,
        })
        .returning('id');
      ids[key] = row.id;
    }
    await t.db('review_votes').insert({ review_id: ids.r3, user_id: voter.id });
  });

  const list = async (query: Record<string, string | number>, tok?: string): Promise<any> => {
    const res = await t.api.get(`/courses/${course.id}/reviews/`, { query, token: tok });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const titles = (body: { results: Array<{ title: string }> }): string[] => body.results.map((r) => r.title);

  it('orders newest first by default, and by helpfulness or rating with newest-first ties', async () => {
    assert.deepEqual(titles(await list({})), ['r5', 'r4', 'r3', 'r2', 'r1']);
    assert.deepEqual(titles(await list({ ordering: 'created_at' })), ['r1', 'r2', 'r3', 'r4', 'r5']);
    assert.deepEqual(titles(await list({ ordering: '-helpful_count' })), ['r4', 'r1', 'r5', 'r3', 'r2']);
    assert.deepEqual(titles(await list({ ordering: 'helpful_count' })), ['r2', 'r3', 'r5', 'r4', 'r1']);
    assert.deepEqual(titles(await list({ ordering: '-rating' })), ['r3', 'r1', 'r5', 'r2', 'r4']);
    assert.deepEqual(titles(await list({ ordering: 'rating' })), ['r4', 'r2', 'r5', 'r3', 'r1']);
  });

  it('filters by rating, pages, and shows the viewer their own votes', async () => {
    const fives = await list({ rating: 5 });
    assert.deepEqual([fives.count, titles(fives)], [2, ['r3', 'r1']]);
    const page = await list({ page_size: 2, page: 2 });
    assert.deepEqual([page.count, page.total_pages, page.current_page, titles(page)], [5, 3, 2, ['r3', 'r2']]);
    assert.match(page.next, /page=3/);
    const mine = await list({}, voter.token);
    assert.deepEqual(
      mine.results.map((r: { is_helpful_by_me: boolean }) => r.is_helpful_by_me),
      [false, false, true, false, false],
    );
    const past = await t.api.get(`/courses/${course.id}/reviews/`, { query: { page: 4, page_size: 2 } });
    assert.deepEqual([past.status, past.body.error.code], [404, 'PAGE_NOT_FOUND']);
    assert.equal((await t.api.get(`/courses/${course.id}/reviews/`, { query: { rating: 6 } })).status, 422);
  });

  it('hides the reviews of an unpublished course from everyone but its instructor', async () => {
    await t.db('courses').where({ id: course.id }).update({ is_published: false });
    try {
      const res = await t.api.get(`/courses/${course.id}/reviews/`);
      assert.deepEqual([res.status, res.body.error.code], [404, 'COURSE_NOT_FOUND']);
      assert.equal((await t.api.get(`/courses/${course.id}/reviews/`, { token: token(course.instructorId) })).status, 200);
      const vote = await t.api.post(`/reviews/${ids.r1}/helpful/`, undefined, { token: voter.token });
      assert.deepEqual([vote.status, vote.body.error.code], [404, 'REVIEW_NOT_FOUND']);
    } finally {
      await t.db('courses').where({ id: course.id }).update({ is_published: true });
    }
  });
});

describe('updateReview and deleteReview', () => {
  it("edits and deletes one's own review only, and the figures follow", async () => {
    const course = await insertCourse(t.db);
    const author = await enrolled(course);
    const other = await enrolled(course);
    const created = (await t.api.post(`/courses/${course.id}/reviews/`, { rating: 5, title: 'Great' }, { token: author.token })).body;
    await t.api.post(`/courses/${course.id}/reviews/`, { rating: 2 }, { token: other.token });

    const stranger = await t.api.patch(`/reviews/${created.id}/`, { rating: 1 }, { token: other.token });
    assert.deepEqual([stranger.status, stranger.body.error.code], [404, 'REVIEW_NOT_FOUND']);
    assert.equal((await t.api.delete(`/reviews/${created.id}/`, { token: other.token })).status, 404);

    const edited = await t.api.patch(
      `/reviews/${created.id}/`,
      { rating: 3, comment: '  Better than expected.  ' },
      { token: author.token },
    );
    assert.equal(edited.status, 200);
    assert.deepEqual([edited.body.rating, edited.body.title, edited.body.comment], [3, 'Great', 'Better than expected.']);
    assert.ok(edited.body.updated_at > created.updated_at);
    let f = await figures(course.id);
    assert.deepEqual(f.stored, f.recount);
    assert.deepEqual(f.stored, [2, 2, 2.5, 0, 1, 1, 0, 0]);
    assert.equal((await t.api.patch(`/reviews/${created.id}/`, {}, { token: author.token })).status, 422);

    assert.equal((await t.api.delete(`/reviews/${created.id}/`, { token: author.token })).status, 204);
    f = await figures(course.id);
    assert.deepEqual(f.stored, [1, 1, 2, 0, 1, 0, 0, 0]);
    assert.equal((await t.api.post(`/courses/${course.id}/reviews/`, { rating: 4 }, { token: author.token })).status, 201);
  });

  it("keeps the reviews of an unpublished course out of their authors' reach too", async () => {
    const course = await insertCourse(t.db);
    const author = await enrolled(course);
    const created = (await t.api.post(`/courses/${course.id}/reviews/`, { rating: 4 }, { token: author.token })).body;
    await t.db('courses').where({ id: course.id }).update({ is_published: false });
    const edit = await t.api.patch(`/reviews/${created.id}/`, { rating: 1 }, { token: author.token });
    assert.deepEqual([edit.status, edit.body.error.code], [404, 'REVIEW_NOT_FOUND']);
    assert.equal((await t.api.delete(`/reviews/${created.id}/`, { token: author.token })).status, 404);
    assert.equal((await t.db('reviews').where({ id: created.id }).first()).rating, 4);
  });
});

describe('markReviewHelpful and unmarkReviewHelpful', () => {
  it("counts one vote per user, idempotently, never on one's own review", async () => {
    const course = await insertCourse(t.db);
    const author = await enrolled(course);
    const review = (await t.api.post(`/courses/${course.id}/reviews/`, { rating: 5 }, { token: author.token })).body;
    const voter = token(await insertLearner(t.db));
    const own = await t.api.post(`/reviews/${review.id}/helpful/`, undefined, { token: author.token });
    assert.deepEqual(own.body, { error: { code: 'PERMISSION_DENIED', message: 'You cannot vote on your own review.', status: 403 } });
    assert.equal((await t.api.delete(`/reviews/${review.id}/helpful/`, { token: author.token })).status, 403);

    for (let i = 0; i < 2; i++) {
      const res = await t.api.post(`/reviews/${review.id}/helpful/`, undefined, { token: voter });
      assert.deepEqual([res.status, res.body], [200, { review_id: review.id, helpful_count: 1, is_helpful_by_me: true }]);
    }
    for (let i = 0; i < 2; i++) {
      const res = await t.api.delete(`/reviews/${review.id}/helpful/`, { token: voter });
      assert.deepEqual([res.status, res.body], [200, { review_id: review.id, helpful_count: 0, is_helpful_by_me: false }]);
    }
    const missing = await t.api.post('/reviews/00000000-0000-4000-8000-000000000000/helpful/', undefined, { token: voter });
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'REVIEW_NOT_FOUND']);
  });

  it('keeps helpful_count exact under 50 voters voting twice at once, and 25 withdrawing', async () => {
    const course = await insertCourse(t.db);
    const author = await enrolled(course);
    const review = (await t.api.post(`/courses/${course.id}/reviews/`, { rating: 4 }, { token: author.token })).body;
    const voters = await Promise.all(Array.from({ length: 50 }, async () => token(await insertLearner(t.db))));
    const votes = await Promise.all(
      [...voters, ...voters].map((v) => t.api.post(`/reviews/${review.id}/helpful/`, undefined, { token: v })),
    );
    assert.ok(votes.every((r) => r.status === 200));
    const count = async (): Promise<[number, number]> => [
      (await t.db('reviews').where({ id: review.id }).first()).helpful_count,
      Number((await t.db('review_votes').where({ review_id: review.id }).count({ n: '*' }))[0]?.n),
    ];
    assert.deepEqual(await count(), [50, 50]);
    await Promise.all(
      voters
        .slice(0, 25)
        .flatMap((v) => [
          t.api.delete(`/reviews/${review.id}/helpful/`, { token: v }),
          t.api.delete(`/reviews/${review.id}/helpful/`, { token: v }),
        ]),
    );
    assert.deepEqual(await count(), [25, 25]);
  });
});
