import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertInstructor } from '../support/factories/catalog';
import { startTestServer, TestServer } from '../support/harness';
import { registerLearner } from '../support/users';

/** What an instructor may put into a course: only web URLs, and a curriculum of bounded size. */
let t: TestServer;
let teacher: string;

before(async () => {
  t = await startTestServer();
  teacher = t.deps.tokens.signAccess(await insertInstructor(t.db));
});
after(async () => {
  await t.close();
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
  const lesson = await t.api.post(`/courses/${course.body.id}/sections/${section.body.id}/lessons/`, { title: 'One', duration_minutes: 5 }, { token: teacher });
  assert.equal(lesson.status, 201);
  return { courseId: course.body.id, sectionId: section.body.id, lessonId: lesson.body.id };
}

describe('URL fields', () => {
  it('refuses every non-http(s) or relative URL with 422 on the field, in every field that takes a URL', async () => {
    const { courseId, sectionId, lessonId } = await courseWithLesson();
    const learner = await registerLearner(t.api);
    const targets: Array<{ send: (url: string) => Promise<{ status: number; body: any }>; field: string }> = [
      { field: 'thumbnail', send: (url) => t.api.post('/courses/', { title: 'A new course', thumbnail: url }, { token: teacher }) },
      { field: 'preview_video_url', send: (url) => t.api.post('/courses/', { title: 'A new course', preview_video_url: url }, { token: teacher }) },
      { field: 'thumbnail', send: (url) => t.api.patch(`/courses/${courseId}/`, { thumbnail: url }, { token: teacher }) },
      { field: 'preview_video_url', send: (url) => t.api.patch(`/courses/${courseId}/`, { preview_video_url: url }, { token: teacher }) },
      { field: 'video_url', send: (url) => t.api.post(`/courses/${courseId}/sections/${sectionId}/lessons/`, { title: 'Two', duration_minutes: 5, video_url: url }, { token: teacher }) },
      { field: 'resources.1', send: (url) => t.api.post(`/courses/${courseId}/sections/${sectionId}/lessons/`, { title: 'Two', duration_minutes: 5, resources: ['https://ok.example.com/a.pdf', url] }, { token: teacher }) },
      { field: 'video_url', send: (url) => t.api.patch(`/courses/${courseId}/lessons/${lessonId}/`, { video_url: url }, { token: teacher }) },
      { field: 'resources.0', send: (url) => t.api.patch(`/courses/${courseId}/lessons/${lessonId}/`, { resources: [url] }, { token: teacher }) },
      { field: 'profile.profile_picture', send: (url) => t.api.patch('/auth/me/', { profile: { profile_picture: url } }, { token: learner.access }) },
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
    const course = await t.api.patch(`/courses/${courseId}/`, { thumbnail: 'https://cdn.example.com/t.png?w=400&q=80', preview_video_url: 'http://videos.example.com/promo.mp4' }, { token: teacher });
    assert.equal(course.status, 200, JSON.stringify(course.body));
    const lesson = await t.api.patch(`/courses/${courseId}/lessons/${lessonId}/`, { video_url: 'https://videos.example.com/1.mp4#t=10', resources: ['https://example.com/notes.pdf'] }, { token: teacher });
    assert.equal(lesson.status, 200, JSON.stringify(lesson.body));
    assert.deepEqual(lesson.body.resources, ['https://example.com/notes.pdf']);
  });
});
