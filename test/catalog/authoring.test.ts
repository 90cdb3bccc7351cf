import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse, insertEnrollment, insertInstructor, insertLearner, upsertCategory } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';
import { registerInstructor, registerLearner } from '../support/users';

let teacher: string;
let rival: string;
let learner: string;
let categoryId: string;

const t = useTestServer({}, async () => {
  teacher = t.deps.tokens.signAccess(await insertInstructor(t.db, { first: 'Angela', last: 'Yu' }));
  rival = t.deps.tokens.signAccess(await insertInstructor(t.db, { first: 'Rita', last: 'Val' }));
  learner = t.deps.tokens.signAccess(await insertLearner(t.db));
  categoryId = await upsertCategory(t.db, 'Development');
});

async function newCourse(title = 'Mastering TypeScript Generics', token = teacher, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await t.api.post('/courses/', { title, ...extra }, { token });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function section(courseId: string, title: string, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await t.api.post(`/courses/${courseId}/sections/`, { title, ...extra }, { token: teacher });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

async function lesson(courseId: string, sectionId: string, title: string, minutes = 10, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await t.api.post(
    `/courses/${courseId}/sections/${sectionId}/lessons/`,
    { title, duration_minutes: minutes, ...extra },
    { token: teacher },
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

const COMPLETE = {
  short_description: 'Generics, all of them',
  description: 'A long description.',
  category_id: '',
  price: 49.99,
  thumbnail: 'https://images.example.com/ts.jpg',
};

async function publishable(title: string): Promise<{ course: any; sectionId: string; lessonId: string }> {
  const course = await newCourse(title, teacher, { ...COMPLETE, category_id: categoryId });
  const s = await section(course.id, 'Basics');
  const l = await lesson(course.id, s.id, 'Why Generics?', 12);
  const res = await t.api.post(`/courses/${course.id}/publish/`, undefined, { token: teacher });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { course: res.body, sectionId: s.id, lessonId: l.id };
}

describe('createCourse', () => {
  it('refuses a learner exactly as the guide shows', async () => {
    const viaApi = await registerLearner(t.api);
    const res = await t.api.post('/courses/', { title: 'My Course' }, { token: viaApi.access });
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, {
      error: { code: 'PERMISSION_DENIED', message: 'You do not have permission to perform this action.', status: 403 },
    });
    assert.equal((await t.db('courses').where({ title: 'My Course' })).length, 0);
  });

  it('creates an unpublished draft owned by the instructor, with the defaults', async () => {
    const instructor = await registerInstructor(t.api);
    const res = await t.api.post(
      '/courses/',
      { title: '  Mastering TypeScript Generics  ', price: 49.99, outcomes: ['Write generic functions'] },
      { token: instructor.access },
    );
    assert.equal(res.status, 201);
    const body = res.body;
    assert.deepEqual(
      [
        body.title,
        body.slug,
        body.is_published,
        body.level,
        body.language,
        body.price,
        body.original_price,
        body.category,
        body.description,
        body.curriculum,
        body.outcomes,
      ],
      [
        'Mastering TypeScript Generics',
        'mastering-typescript-generics',
        false,
        'All Levels',
        'English',
        49.99,
        null,
        null,
        '',
        [],
        ['Write generic functions'],
      ],
    );
    assert.equal(body.instructor.id, instructor.id);
    assert.equal(body.instructor.email, instructor.email);
    assert.equal((await t.api.get(`/courses/${body.id}/`)).status, 404);
  });

  it('makes slugs unique with -2, -3 and transliterates the title', async () => {
    const a = await newCourse('Intro to Slugs');
    const b = await newCourse('Intro to Slugs');
    const c = await newCourse('Intro to Slugs');
    assert.deepEqual([a.slug, b.slug, c.slug], ['intro-to-slugs', 'intro-to-slugs-2', 'intro-to-slugs-3']);
    assert.equal((await newCourse('Café Crème & Straße')).slug, 'cafe-creme-and-strasse');
    assert.equal((await newCourse('日本語のコース')).slug, 'course');
  });

  it('gives concurrent creations of one title distinct slugs, never an error', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => t.api.post('/courses/', { title: 'Race Condition Course' }, { token: teacher })),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(8).fill(201),
    );
    const slugs = results.map((r) => r.body.slug).sort();
    assert.deepEqual(slugs, ['race-condition-course', ...[2, 3, 4, 5, 6, 7, 8].map((n) => `race-condition-course-${n}`)].sort());
  });

  it('rejects privileged and derived fields, unknown categories, short titles and bad amounts', async () => {
    const cases: Array<[Record<string, unknown>, Record<string, string[]>]> = [
      [{ title: 'Valid Title', rating: 5 }, { rating: ['This field is not allowed.'] }],
      [{ title: 'Valid Title', duration_hours: 3 }, { duration_hours: ['This field is not allowed.'] }],
      [{ title: 'Valid Title', category_id: '00000000-0000-4000-8000-000000000000' }, { category_id: ['Unknown category.'] }],
      [{ title: '   abc   ' }, { title: ['Ensure this field has at least 5 characters.'] }],
      [{ title: 'Valid Title', price: 10.005 }, { price: ['Ensure that there are no more than 2 decimal places.'] }],
      [{ title: 'Valid Title', price: 50, original_price: 40 }, { original_price: ['Must be greater than price.'] }],
      [{ title: 'Valid Title', price: 0.49 }, { price: ['A paid course costs at least 0.50 (0 makes it free).'] }],
      [
        { title: 'Valid\u0000Title', outcomes: ['ok', 'n\u0000l'] },
        { title: ['Null characters are not allowed.'], 'outcomes.1': ['Null characters are not allowed.'] },
      ],
    ];
    for (const [body, details] of cases) {
      const res = await t.api.post('/courses/', body, { token: teacher });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.deepEqual(res.body.error.details, details);
    }
  });
});

describe('updateCourse', () => {
  it("edits the instructor's own course and bumps last_updated; the slug stays", async () => {
    const course = await newCourse('Editable Course');
    const res = await t.api.patch(
      `/courses/${course.id}/`,
      { title: 'Edited Course', price: 89.99, original_price: 129.99, category_id: categoryId, outcomes: ['A', 'B'] },
      { token: teacher },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(
      [res.body.title, res.body.slug, res.body.price, res.body.discount_percent, res.body.category, res.body.outcomes],
      ['Edited Course', 'editable-course', 89.99, 30, 'Development', ['A', 'B']],
    );
    assert.ok(res.body.last_updated > course.last_updated);
    const removed = await t.api.patch(`/courses/${course.id}/`, { original_price: null }, { token: teacher });
    assert.deepEqual([removed.body.original_price, removed.body.discount_percent], [null, 0]);
    const tooLow = await t.api.patch(`/courses/${course.id}/`, { original_price: 80 }, { token: teacher });
    assert.deepEqual(tooLow.body.error.details, { original_price: ['Must be greater than price.'] });
  });

  it("refuses another instructor's course: 403 when published, 404 when not", async () => {
    const draft = await newCourse('Private Draft');
    const draftRes = await t.api.patch(`/courses/${draft.id}/`, { title: 'Hijacked Draft' }, { token: rival });
    assert.equal(draftRes.status, 404);
    assert.equal(draftRes.body.error.code, 'COURSE_NOT_FOUND');
    const { course } = await publishable('Published Target');
    for (const token of [rival, learner]) {
      const res = await t.api.patch(`/courses/${course.id}/`, { title: 'Hijacked Course' }, { token });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'PERMISSION_DENIED');
      for (const path of [
        `/courses/${course.id}/publish/`,
        `/courses/${course.id}/unpublish/`,
        `/courses/${course.id}/sections/`,
      ] as const) {
        assert.equal((await t.api.post(path, path.endsWith('sections/') ? { title: 'X' } : undefined, { token })).status, 403, path);
      }
    }
    assert.equal((await t.db('courses').where({ id: course.id }).first()).title, 'Published Target');
  });

  it('keeps a published course complete and rejects empty bodies', async () => {
    const { course } = await publishable('Complete Course');
    const res = await t.api.patch(`/courses/${course.id}/`, { description: '  ' }, { token: teacher });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.error.details, { description: ['A published course cannot have this field empty.'] });
    assert.equal((await t.api.patch(`/courses/${course.id}/`, {}, { token: teacher })).status, 422);
  });
});

describe('publishCourse and unpublishCourse', () => {
  it('lists everything a course lacks at once, then publishes it into the catalog', async () => {
    const course = await newCourse('Incomplete Course');
    const res = await t.api.post(`/courses/${course.id}/publish/`, undefined, { token: teacher });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.error, {
      code: 'COURSE_INCOMPLETE',
      message: 'The course cannot be published until it is complete.',
      status: 422,
      details: {
        short_description: ['Add a short description.'],
        description: ['Add a description.'],
        category_id: ['Choose a category.'],
        price: ['Set a price (0 for a free course).'],
        thumbnail: ['Add a course image.'],
        lessons: ['Add at least one lesson.'],
      },
    });
    await t.api.patch(`/courses/${course.id}/`, { ...COMPLETE, category_id: categoryId, price: 0 }, { token: teacher });
    const s = await section(course.id, 'Only Section');
    await lesson(course.id, s.id, 'Only Lesson', 20);
    const published = await t.api.post(`/courses/${course.id}/publish/`, undefined, { token: teacher });
    assert.equal(published.status, 200);
    assert.deepEqual(
      [published.body.is_published, published.body.is_new, published.body.price, published.body.duration_hours],
      [true, true, 0, 0.3],
    );
    const listed = await t.api.get('/courses/', { query: { search: 'Incomplete Course' } });
    assert.deepEqual(
      listed.body.results.map((r: { id: string }) => r.id),
      [course.id],
    );

    const firstPublishedAt = (await t.db('courses').where({ id: course.id }).first()).published_at;
    assert.equal((await t.api.post(`/courses/${course.id}/publish/`, undefined, { token: teacher })).status, 200);
    const unpublished = await t.api.post(`/courses/${course.id}/unpublish/`, undefined, { token: teacher });
    assert.equal(unpublished.body.is_published, false);
    assert.equal((await t.api.get(`/courses/${course.id}/`)).status, 404);
    const after = await t.api.get('/courses/', { query: { search: 'Incomplete Course', page_size: 100 } });
    assert.ok(!after.body.results.some((r: { id: string }) => r.id === course.id));
    assert.equal((await t.api.post(`/courses/${course.id}/unpublish/`, undefined, { token: teacher })).status, 200);
    await t.api.post(`/courses/${course.id}/publish/`, undefined, { token: teacher });
    assert.deepEqual((await t.db('courses').where({ id: course.id }).first()).published_at, firstPublishedAt);
    // Each real change of publication (not the no-op repeats) asks the stats worker to re-rank the category.
    const jobs = await t.db('outbox').where({ job_name: 'recompute-course-stats' }).whereRaw(`payload->>'courseId' = ?`, [course.id]);
    assert.equal(jobs.length, 3);
  });
});

describe('sections and lessons', () => {
  it('inserts, moves and deletes sections, keeping positions 1..n', async () => {
    const course = await newCourse('Section Course');
    const a = await section(course.id, 'A');
    const b = await section(course.id, 'B');
    const c = await section(course.id, 'C', { order: 1 });
    assert.deepEqual([a.order, b.order, c.order], [1, 2, 1]);
    const order = async () =>
      (await t.db('sections').where({ course_id: course.id }).orderBy('position')).map((s) => [s.title, s.position]);
    assert.deepEqual(await order(), [
      ['C', 1],
      ['A', 2],
      ['B', 3],
    ]);
    const moved = await t.api.patch(`/courses/${course.id}/sections/${c.id}/`, { order: 99, title: 'C2' }, { token: teacher });
    assert.deepEqual([moved.status, moved.body.order, moved.body.title], [200, 3, 'C2']);
    assert.deepEqual(await order(), [
      ['A', 1],
      ['B', 2],
      ['C2', 3],
    ]);
    await t.api.patch(`/courses/${course.id}/sections/${b.id}/`, { order: 1 }, { token: teacher });
    assert.deepEqual(await order(), [
      ['B', 1],
      ['A', 2],
      ['C2', 3],
    ]);
    assert.equal((await t.api.delete(`/courses/${course.id}/sections/${b.id}/`, { token: teacher })).status, 204);
    assert.deepEqual(await order(), [
      ['A', 1],
      ['C2', 2],
    ]);

    const other = await newCourse('Other Section Course');
    const res = await t.api.patch(`/courses/${other.id}/sections/${a.id}/`, { title: 'Stolen' }, { token: teacher });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'SECTION_NOT_FOUND');
  });

  it('numbers lessons across the course, moves them within and between sections, and derives durations', async () => {
    const course = await newCourse('Lesson Course');
    const s1 = await section(course.id, 'One');
    const s2 = await section(course.id, 'Two');
    const l1 = await lesson(course.id, s1.id, 'L1', 10);
    const l2 = await lesson(course.id, s1.id, 'L2', 20);
    const l3 = await lesson(course.id, s2.id, 'L3', 30);
    const l0 = await lesson(course.id, s1.id, 'L0', 5, {
      position: 1,
      is_preview: true,
      video_url: 'https://player.example.com/l0',
      resources: ['https://cdn.example.com/a.pdf'],
    });
    assert.deepEqual([l1.order, l2.order, l3.order, l0.order, l0.position], [1, 2, 3, 1, 1]);
    assert.deepEqual(l0, {
      id: l0.id,
      section_id: s1.id,
      title: 'L0',
      description: '',
      duration_minutes: 5,
      order: 1,
      position: 1,
      is_preview: true,
      video_url: 'https://player.example.com/l0',
      resources: ['https://cdn.example.com/a.pdf'],
    });

    const outline = async () => {
      const page = await t.api.get(`/courses/${course.id}/`, { token: teacher });
      return {
        hours: page.body.duration_hours,
        sections: page.body.curriculum.map((s: any) => [
          s.title,
          s.total_lessons,
          s.total_duration_minutes,
          s.lessons.map((l: any) => `${l.title}#${l.order}`),
        ]),
      };
    };
    assert.deepEqual(await outline(), {
      hours: 1.1,
      sections: [
        ['One', 3, 35, ['L0#1', 'L1#2', 'L2#3']],
        ['Two', 1, 30, ['L3#4']],
      ],
    });

    const moved = await t.api.patch(
      `/courses/${course.id}/lessons/${l2.id}/`,
      { section_id: s2.id, position: 1, duration_minutes: 25 },
      { token: teacher },
    );
    assert.deepEqual([moved.status, moved.body.section_id, moved.body.position, moved.body.order], [200, s2.id, 1, 3]);
    assert.deepEqual(await outline(), {
      hours: 1.2,
      sections: [
        ['One', 2, 15, ['L0#1', 'L1#2']],
        ['Two', 2, 55, ['L2#3', 'L3#4']],
      ],
    });

    await t.api.patch(`/courses/${course.id}/lessons/${l0.id}/`, { position: 5 }, { token: teacher });
    await t.api.patch(`/courses/${course.id}/sections/${s2.id}/`, { order: 1 }, { token: teacher });
    assert.deepEqual(await outline(), {
      hours: 1.2,
      sections: [
        ['Two', 2, 55, ['L2#1', 'L3#2']],
        ['One', 2, 15, ['L1#3', 'L0#4']],
      ],
    });

    assert.equal((await t.api.delete(`/courses/${course.id}/lessons/${l1.id}/`, { token: teacher })).status, 204);
    assert.deepEqual(await outline(), {
      hours: 1,
      sections: [
        ['Two', 2, 55, ['L2#1', 'L3#2']],
        ['One', 1, 5, ['L0#3']],
      ],
    });
    const row = await t.db('courses').where({ id: course.id }).first();
    assert.deepEqual([row.lesson_count, row.duration_minutes], [3, 60]);

    const foreign = await t.api.patch(
      `/courses/${course.id}/lessons/${l3.id}/`,
      { section_id: (await section((await newCourse('Foreign Course')).id, 'F')).id },
      { token: teacher },
    );
    assert.deepEqual([foreign.status, foreign.body.error.details], [422, { section_id: ['Not a section of this course.'] }]);
    const missing = await t.api.delete(`/courses/${course.id}/lessons/00000000-0000-4000-8000-000000000000/`, { token: teacher });
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'LESSON_NOT_FOUND']);
    const noSection = await t.api.post(
      `/courses/${course.id}/sections/00000000-0000-4000-8000-000000000000/lessons/`,
      { title: 'X', duration_minutes: 1 },
      { token: teacher },
    );
    assert.deepEqual([noSection.status, noSection.body.error.code], [404, 'SECTION_NOT_FOUND']);
  });

  it('keeps positions unique under 10 concurrent lesson creations', async () => {
    const course = await newCourse('Concurrent Lessons');
    const s = await section(course.id, 'Busy');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.api.post(
          `/courses/${course.id}/sections/${s.id}/lessons/`,
          { title: `L${i}`, duration_minutes: 3, position: 1 },
          { token: teacher },
        ),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(10).fill(201),
    );
    const positions = (await t.db('lessons').where({ section_id: s.id }).orderBy('position')).map((l) => l.position);
    assert.deepEqual(positions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const row = await t.db('courses').where({ id: course.id }).first();
    assert.deepEqual([row.lesson_count, row.duration_minutes], [10, 30]);
  });

  it("refreshes enrolled learners' lesson totals and progress in the same change", async () => {
    const { course, sectionId, lessonId } = await publishable('Enrolled Course');
    const student = await insertLearner(t.db);
    const enrollment = await insertEnrollment(t.db, student, {
      id: course.id,
      slug: course.slug,
      instructorId: '',
      categoryId,
      sectionIds: [],
      lessonIds: [lessonId],
      priceCents: 4999,
    });
    await t
      .db('lesson_progress')
      .insert({ enrollment_id: enrollment, lesson_id: lessonId, watch_time_seconds: 600, completed_at: new Date() });
    await t.db('enrollments').where({ id: enrollment }).update({ lessons_completed: 1, progress_percent: 100 });
    const added = await lesson(course.id, sectionId, 'Second', 8);
    let row = await t.db('enrollments').where({ id: enrollment }).first();
    assert.deepEqual([row.total_lessons, row.lessons_completed, row.progress_percent], [2, 1, 50]);
    await lesson(course.id, sectionId, 'Third', 8);
    row = await t.db('enrollments').where({ id: enrollment }).first();
    assert.deepEqual([row.total_lessons, row.progress_percent], [3, 33]);
    assert.equal((await t.api.delete(`/courses/${course.id}/lessons/${added.id}/`, { token: teacher })).status, 204);
    row = await t.db('enrollments').where({ id: enrollment }).first();
    assert.deepEqual([row.total_lessons, row.lessons_completed, row.progress_percent], [2, 1, 50]);
  });

  it('refuses to remove the last lessons of a published course', async () => {
    const { course, sectionId, lessonId } = await publishable('Last Lesson Course');
    const res = await t.api.delete(`/courses/${course.id}/lessons/${lessonId}/`, { token: teacher });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.error, {
      code: 'COURSE_INCOMPLETE',
      message: 'A published course must keep at least one lesson. Unpublish it first.',
      status: 422,
      details: { lessons: ['A published course must keep at least one lesson.'] },
    });
    const sectionRes = await t.api.delete(`/courses/${course.id}/sections/${sectionId}/`, { token: teacher });
    assert.equal(sectionRes.body.error.code, 'COURSE_INCOMPLETE');
    const empty = await section(course.id, 'Empty');
    assert.equal((await t.api.delete(`/courses/${course.id}/sections/${empty.id}/`, { token: teacher })).status, 204);
    await t.api.post(`/courses/${course.id}/unpublish/`, undefined, { token: teacher });
    assert.equal((await t.api.delete(`/courses/${course.id}/sections/${sectionId}/`, { token: teacher })).status, 204);
    const row = await t.db('courses').where({ id: course.id }).first();
    assert.deepEqual([row.lesson_count, row.duration_minutes], [0, 0]);
  });
});

describe('listMyTaughtCourses', () => {
  it("lists the instructor's own courses, drafts included, most recently updated first", async () => {
    const instructor = await insertInstructor(t.db);
    const token = t.deps.tokens.signAccess(instructor);
    const first = await newCourse('First Taught', token);
    const second = await newCourse('Second Taught', token);
    await t.api.patch(`/courses/${first.id}/`, { short_description: 'Touched' }, { token });
    await insertCourse(t.db, { title: 'Someone Else' });
    const res = await t.api.get('/instructor/courses/', { token, query: { page_size: 1 } });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.count, res.body.total_pages, res.body.results[0].id], [2, 2, first.id]);
    const page2 = await t.api.get('/instructor/courses/', { token, query: { page_size: 1, page: 2 } });
    assert.equal(page2.body.results[0].id, second.id);
    assert.equal((await t.api.get('/instructor/courses/', { token, query: { page: 3, page_size: 1 } })).body.error.code, 'PAGE_NOT_FOUND');
    const refused = await t.api.get('/instructor/courses/', { token: learner });
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'PERMISSION_DENIED']);
  });
});

describe('catalog facet counts', () => {
  it('stay equal to a recount of the published courses after every kind of change', async () => {
    const { course } = await publishable('Facet Course');
    await t.api.patch(`/courses/${course.id}/`, { price: 10, level: 'Beginner', language: 'French' }, { token: teacher });
    await t.api.post(`/courses/${course.id}/unpublish/`, undefined, { token: teacher });
    await t.api.post(`/courses/${course.id}/publish/`, undefined, { token: teacher });
    await t.db('categories').where({ id: categoryId }).update({ name: 'Development' });
    const gone = await upsertCategory(t.db, 'Short Lived');
    await insertCourse(t.db, { title: 'Orphan To Be', categoryName: 'Short Lived' });
    await t.db('categories').where({ id: gone }).delete();
    const summary = await t
      .db('catalog_facet_counts')
      .where('courses', '>', 0)
      .select('category_id', 'level', 'language', 'price_cents', 'courses')
      .orderBy(['category_id', 'level', 'language', 'price_cents']);
    const recount = await t
      .db('courses')
      .where({ is_published: true })
      .groupBy('category_id', 'level', 'language', 'price_cents')
      .select('category_id', 'level', 'language', 'price_cents', t.db.raw('count(*)::int AS courses'))
      .orderBy(['category_id', 'level', 'language', 'price_cents']);
    assert.deepEqual(summary, recount);
    assert.ok(recount.some((r) => r.category_id === null));
  });
});
