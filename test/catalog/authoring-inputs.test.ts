import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse, insertEnrollment, insertInstructor, insertLearner } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';
import type { ApiPath } from '../support/apiPaths';

/** What an instructor may put into a course: only web URLs, and a curriculum of bounded size. */
let teacher: string;
let teacherId: string;

const t = useTestServer({}, async () => {
  teacherId = await insertInstructor(t.db);
  teacher = t.deps.tokens.signAccess(teacherId);
});

const UNSAFE_URLS = [
  'javascript:alert(document.cookie)',
  'JaVaScRiPt:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  '/relative/thumbnail.png',
  '//evil.example.com/x.png',
  'http://',
  'https://exa mple.com/a b.png',
];

async function courseWithLesson(): Promise<{ courseId: string; sectionId: string; lessonId: string }> {
  const course = await t.api.post('/courses/', { title: 'Safe URLs only please' }, { token: teacher });
  assert.equal(course.status, 201);
  const section = await t.api.post(`/courses/${course.body.id}/sections/`, { title: 'Basics' }, { token: teacher });
  const lesson = await t.api.post(
    `/courses/${course.body.id}/sections/${section.body.id}/lessons/`,
    { title: 'One', duration_minutes: 5 },
    { token: teacher },
  );
  assert.equal(lesson.status, 201);
  return { courseId: course.body.id, sectionId: section.body.id, lessonId: lesson.body.id };
}

describe('URL fields', () => {
  it('refuses every non-http(s) or relative URL with 422 on the field, in every field that takes a URL', async () => {
    const { courseId, sectionId, lessonId } = await courseWithLesson();
    const learner = await registerLearner(t.api);
    const targets: Array<{ send: (url: string) => Promise<{ status: number; body: any }>; field: string }> = [
      { field: 'thumbnail', send: (url) => t.api.post('/courses/', { title: 'A new course', thumbnail: url }, { token: teacher }) },
      {
        field: 'preview_video_url',
        send: (url) => t.api.post('/courses/', { title: 'A new course', preview_video_url: url }, { token: teacher }),
      },
      { field: 'thumbnail', send: (url) => t.api.patch(`/courses/${courseId}/`, { thumbnail: url }, { token: teacher }) },
      { field: 'preview_video_url', send: (url) => t.api.patch(`/courses/${courseId}/`, { preview_video_url: url }, { token: teacher }) },
      {
        field: 'video_url',
        send: (url) =>
          t.api.post(
            `/courses/${courseId}/sections/${sectionId}/lessons/`,
            { title: 'Two', duration_minutes: 5, video_url: url },
            { token: teacher },
          ),
      },
      {
        field: 'resources.1',
        send: (url) =>
          t.api.post(
            `/courses/${courseId}/sections/${sectionId}/lessons/`,
            { title: 'Two', duration_minutes: 5, resources: ['https://ok.example.com/a.pdf', url] },
            { token: teacher },
          ),
      },
      {
        field: 'video_url',
        send: (url) => t.api.patch(`/courses/${courseId}/lessons/${lessonId}/`, { video_url: url }, { token: teacher }),
      },
      {
        field: 'resources.0',
        send: (url) => t.api.patch(`/courses/${courseId}/lessons/${lessonId}/`, { resources: [url] }, { token: teacher }),
      },
      {
        field: 'profile.profile_picture',
        send: (url) => t.api.patch('/auth/me/', { profile: { profile_picture: url } }, { token: learner.access }),
      },
    ];
    for (const { field, send } of targets) {
      for (const url of UNSAFE_URLS) {
        const res = await send(url);
        assert.equal(res.status, 422, `${field} = ${url}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'VALIDATION_ERROR');
        assert.ok(res.body.error.details[field], `${field} = ${url}: ${JSON.stringify(res.body.error.details)}`);
      }
    }
  });

  it('accepts absolute http and https URLs in the same fields', async () => {
    const { courseId, lessonId } = await courseWithLesson();
    const course = await t.api.patch(
      `/courses/${courseId}/`,
      { thumbnail: 'https://cdn.example.com/t.png?w=400&q=80', preview_video_url: 'http://videos.example.com/promo.mp4' },
      { token: teacher },
    );
    assert.equal(course.status, 200, JSON.stringify(course.body));
    const lesson = await t.api.patch(
      `/courses/${courseId}/lessons/${lessonId}/`,
      { video_url: 'https://videos.example.com/1.mp4#t=10', resources: ['https://example.com/notes.pdf'] },
      { token: teacher },
    );
    assert.equal(lesson.status, 200, JSON.stringify(lesson.body));
    assert.deepEqual(lesson.body.resources, ['https://example.com/notes.pdf']);
  });
});

describe('curriculum limits', () => {
  const lessonBody = { title: 'One more', duration_minutes: 5 };

  it('refuses a 31st section with CURRICULUM_LIMIT_REACHED', async () => {
    const course = await insertCourse(t.db, { instructorId: teacherId, sections: 30, lessonsPerSection: 1, published: false });
    const res = await t.api.post(`/courses/${course.id}/sections/`, { title: 'Thirty-first' }, { token: teacher });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'CURRICULUM_LIMIT_REACHED');
    assert.deepEqual(res.body.error.details, { sections: ['A course has at most 30 sections.'] });
  });

  it('refuses a 51st lesson in a section, created there or moved in', async () => {
    const course = await insertCourse(t.db, { instructorId: teacherId, sections: 2, lessonsPerSection: 50, published: false });
    const [full, other] = course.sectionIds as [string, string];
    await t.db('lessons').where({ section_id: other }).whereNot({ position: 1 }).delete();
    const created = await t.api.post(`/courses/${course.id}/sections/${full}/lessons/`, lessonBody, { token: teacher });
    assert.equal(created.status, 422, JSON.stringify(created.body));
    assert.equal(created.body.error.code, 'CURRICULUM_LIMIT_REACHED');
    assert.deepEqual(created.body.error.details, { lessons: ['A section has at most 50 lessons.'] });
    const moving = course.lessonIds[50] as string;
    const moved = await t.api.patch(`/courses/${course.id}/lessons/${moving}/`, { section_id: full }, { token: teacher });
    assert.equal(moved.status, 422, JSON.stringify(moved.body));
    assert.deepEqual(moved.body.error.details, { section_id: ['A section has at most 50 lessons.'] });
    // Room in the other section: a lesson still goes there.
    const ok = await t.api.post(`/courses/${course.id}/sections/${other}/lessons/`, lessonBody, { token: teacher });
    assert.equal(ok.status, 201);
  });

  it('refuses a 201st lesson in a course even when its section has room', async () => {
    const course = await insertCourse(t.db, { instructorId: teacherId, sections: 5, lessonsPerSection: 40, published: false });
    const res = await t.api.post(`/courses/${course.id}/sections/${course.sectionIds[0]}/lessons/`, lessonBody, { token: teacher });
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'CURRICULUM_LIMIT_REACHED');
    assert.deepEqual(res.body.error.details, { lessons: ['A course has at most 200 lessons.'] });
  });

  it('refuses a sixth resource and over-long descriptions through the contract', async () => {
    const course = await insertCourse(t.db, { instructorId: teacherId, published: false });
    const url = 'https://example.com/r.pdf';
    const cases: Array<[ApiPath<'post'>, Record<string, unknown>, string]> = [
      [`/courses/${course.id}/sections/${course.sectionIds[0]}/lessons/`, { ...lessonBody, resources: Array(6).fill(url) }, 'resources'],
      [`/courses/${course.id}/sections/${course.sectionIds[0]}/lessons/`, { ...lessonBody, description: 'x'.repeat(1001) }, 'description'],
      [`/courses/${course.id}/sections/`, { title: 'Section', description: 'x'.repeat(1001) }, 'description'],
    ];
    for (const [path, body, field] of cases) {
      const res = await t.api.post(path, body, { token: teacher });
      assert.equal(res.status, 422, field);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
      assert.ok(res.body.error.details[field], JSON.stringify(res.body.error.details));
    }
    const moved = await t.api.patch(
      `/courses/${course.id}/lessons/${course.lessonIds[0]}/`,
      { resources: Array(6).fill(url) },
      { token: teacher },
    );
    assert.equal(moved.status, 422);
    assert.ok(moved.body.error.details.resources);
  });

  it('keeps the page of a course at every maximum under the 5 MB the contract states', async () => {
    // Control characters are the worst case: JSON writes each as six bytes (\u0001).
    const worst = (n: number): string => '\u0001'.repeat(n);
    const longUrl = `https://cdn.example.com/${'a'.repeat(2048 - 'https://cdn.example.com/'.length)}`;
    await t
      .db('users')
      .where({ id: teacherId })
      .update({ bio: worst(2000), first_name: worst(150), last_name: worst(150) });
    const course = await insertCourse(t.db, {
      instructorId: teacherId,
      sections: 30,
      lessonsPerSection: 1,
      title: 'Maximal course',
      columns: {
        description: worst(20_000),
        short_description: worst(300),
        thumbnail: longUrl,
        preview_video_url: longUrl,
        outcomes: JSON.stringify(Array(30).fill(worst(200))),
        requirements: JSON.stringify(Array(30).fill(worst(200))),
      },
    });
    await t
      .db('courses')
      .where({ id: course.id })
      .update({ title: worst(200) });
    await t.db('lessons').where({ course_id: course.id }).delete();
    await t
      .db('sections')
      .where({ course_id: course.id })
      .update({ title: worst(200), description: worst(1000) });
    const rows = course.sectionIds.slice(0, 4).flatMap((sectionId) =>
      Array.from({ length: 50 }, (_, i) => ({
        section_id: sectionId,
        course_id: course.id,
        title: worst(200),
        description: worst(1000),
        duration_minutes: 1440,
        position: i + 1,
        is_preview: true,
        video_url: longUrl,
        resources: JSON.stringify(Array(5).fill(longUrl)),
      })),
    );
    await t.db('lessons').insert(rows);
    await t
      .db('courses')
      .where({ id: course.id })
      .update({ lesson_count: rows.length, duration_minutes: rows.length * 1440 });
    for (let i = 0; i < 5; i++) {
      const reviewer = await insertLearner(t.db, { first: worst(150), last: worst(150) });
      await insertEnrollment(t.db, reviewer, { ...course, lessonIds: [] });
      await t.db('reviews').insert({ user_id: reviewer, course_id: course.id, rating: 5, title: worst(120), comment: worst(5000) });
    }
    const viewer = await insertLearner(t.db);
    await insertEnrollment(t.db, viewer, { ...course, lessonIds: [] });
    const page = await t.api.get(`/courses/${course.id}/`, { token: t.deps.tokens.signAccess(viewer) });
    assert.equal(page.status, 200);
    assert.equal(page.body.curriculum.length, 30);
    assert.equal(
      page.body.curriculum.reduce((n: number, s: any) => n + s.lessons.length, 0),
      200,
    );
    assert.equal(page.body.curriculum[0].lessons[0].resources.length, 5, 'the enrolled view carries every resource');
    console.log(`maximal course page: ${page.raw.length} bytes`);
    assert.ok(page.raw.length < 5_000_000, `${page.raw.length} bytes`);
  });
});
