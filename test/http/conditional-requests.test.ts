import assert from 'node:assert/strict';
import { it } from 'node:test';
import { insertCourse, upsertCategory } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';
import type { ApiPath } from '../support/apiPaths';

/** Frontend-friendly HTTP: ETag/304 on catalog reads, cacheability said out loud, HEAD on GET routes, cached preflight. */
const t = useTestServer();

it('answers 304 with no body to a matching If-None-Match on the course list, a course page and the categories', async () => {
  const course = await insertCourse(t.db);
  for (const path of ['/courses/', `/courses/${course.id}/`, `/courses/${course.slug}/`, '/categories/'] as const) {
    const first = await t.api.get(path);
    assert.equal(first.status, 200, path);
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^W\/"[0-9a-f]+-[\w-]+"$/, `${path}: ${etag}`);
    assert.equal(first.headers.get('cache-control'), 'public, no-cache', path);
    assert.match(first.headers.get('vary') ?? '', /Authorization/, path);
    const again = await t.api.get(path, { headers: { 'if-none-match': etag as string } });
    assert.equal(again.status, 304, path);
    assert.equal(again.raw.length, 0, path);
    assert.equal(again.headers.get('etag'), etag, path);
    assert.equal(again.headers.get('cache-control'), 'public, no-cache', path);
    // A list of tags, and the strong form of the same tag, match too (weak comparison).
    const listed = await t.api.get(path, { headers: { 'if-none-match': `"other", ${(etag as string).slice(2)}` } });
    assert.equal(listed.status, 304, path);
    const stale = await t.api.get(path, { headers: { 'if-none-match': 'W/"0-stale"' } });
    assert.equal(stale.status, 200, path);
    assert.ok(stale.body, path);
  }
});

it('answers 200 with a new ETag once the catalog changed', async () => {
  const course = await insertCourse(t.db);
  const paths = ['/courses/', `/courses/${course.id}/`, '/categories/'] as const;
  const before = new Map<string, string>();
  for (const path of paths) before.set(path, (await t.api.get(path)).headers.get('etag') as string);
  await t.db('courses').where({ id: course.id }).update({ title: 'A title changed after the first read' });
  await upsertCategory(t.db, `Category ${Date.now()}`);
  for (const path of paths) {
    const res = await t.api.get(path, { headers: { 'if-none-match': before.get(path) as string } });
    assert.equal(res.status, 200, path);
    assert.notEqual(res.headers.get('etag'), before.get(path), path);
  }
});

it('keeps a signed-in viewer’s course page no-store, ETag or not', async () => {
  const course = await insertCourse(t.db);
  const user = await registerLearner(t.api);
  const res = await t.api.get(`/courses/${course.id}/`, { token: user.access });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-store');
});

it('sends no ETag (so never 304) on answers that are not catalog reads', async () => {
  const user = await registerLearner(t.api);
  const res = await t.api.get('/auth/me/', { token: user.access });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('etag'), null);
  const again = await t.api.get('/auth/me/', { token: user.access, headers: { 'if-none-match': '*' } });
  assert.equal(again.status, 200);
});

it('answers HEAD on GET routes with the GET’s status and headers and no body', async () => {
  const course = await insertCourse(t.db);
  const user = await registerLearner(t.api);
  const cases: Array<[ApiPath<'get'>, string | undefined, number]> = [
    ['/courses/', undefined, 200],
    [`/courses/${course.id}/`, undefined, 200],
    ['/categories/', undefined, 200],
    ['/health/', undefined, 200],
    ['/cart/', user.access, 200],
    ['/auth/me/', undefined, 401],
    ['/courses/not-a-course/', undefined, 404],
  ];
  for (const [path, token, status] of cases) {
    const get = await t.api.get(path, { token });
    const head = await t.api.request('HEAD', path, { token });
    assert.equal(get.status, status, path);
    assert.equal(head.status, status, `HEAD ${path}`);
    assert.equal(head.raw.length, 0, `HEAD ${path}`);
    assert.equal(head.headers.get('content-type'), get.headers.get('content-type'), path);
    assert.equal(head.headers.get('cache-control'), get.headers.get('cache-control'), path);
    if (status === 200) assert.equal(head.headers.get('content-length'), String(get.raw.length), path);
  }
  const catalogHead = await t.api.request('HEAD', '/categories/');
  assert.ok(catalogHead.headers.get('etag'));
  // A route with no GET is still 405 for HEAD.
  const noGet = await t.api.request('HEAD', '/auth/login/');
  assert.equal(noGet.status, 405);
});

it('lets browsers cache the CORS preflight (Access-Control-Max-Age)', async () => {
  const res = await fetch(`${t.baseUrl}/api/v1/cart/`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:3000',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-max-age'), '7200');
  assert.ok(res.headers.get('access-control-allow-origin'));
  assert.match(res.headers.get('access-control-expose-headers') ?? '', /ETag/);
});
