import assert from 'node:assert/strict';
import { it } from 'node:test';
import { useTestServer } from '../support/harness';
import { insertCourse } from '../support/factories/catalog';
import { registerInstructor, registerLearner } from '../support/users';

/** Inputs the contract lets through but PostgreSQL cannot take must still end as 4xx, never 500. */
const t = useTestServer();

it('refuses a NUL character in any body field, nested ones included, as a validation error', async () => {
  const res = await t.api.post('/auth/register/', {
    email: 'nul@example.com',
    password: 'SecurePassword123!',
    first_name: 'A\u0000B',
    last_name: 'C',
  });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.error.details, { first_name: ['Null characters are not allowed.'] });
  const user = await registerLearner(t.api);
  const nested = await t.api.patch('/auth/me/', { profile: { bio: 'x\u0000' } }, { token: user.access });
  assert.equal(nested.status, 422);
  assert.deepEqual(nested.body.error.details, { 'profile.bio': ['Null characters are not allowed.'] });
});

it('answers a page too far out to compute as past the end, on every paginated list', async () => {
  const user = await registerLearner(t.api);
  for (const path of ['/courses/', '/orders/', '/enrollments/', '/certificates/'] as const) {
    const res = await t.api.get(path, { token: user.access, query: { page: '1e300' } });
    assert.equal(res.status, 404, path);
    assert.equal(res.body.error.code, 'PAGE_NOT_FOUND', path);
  }
});

it('answers a malformed path id with the 404 of the resource that id names', async () => {
  const instructor = await registerInstructor(t.api);
  const uuid = '00000000-0000-4000-8000-000000000000';
  const badCourse = await t.api.patch(`/courses/not-a-uuid/lessons/${uuid}/`, { title: 'New title' }, { token: instructor.access });
  assert.equal(badCourse.status, 404);
  assert.equal(badCourse.body.error.code, 'COURSE_NOT_FOUND');
  const badLesson = await t.api.patch(`/courses/${uuid}/lessons/not-a-uuid/`, { title: 'New title' }, { token: instructor.access });
  assert.equal(badLesson.status, 404);
  assert.equal(badLesson.body.error.code, 'LESSON_NOT_FOUND');
  const badOrder = await t.api.get('/orders/not-a-uuid/', { token: instructor.access });
  assert.equal(badOrder.body.error.code, 'ORDER_NOT_FOUND');
});

it('answers a path id with a malformed percent-escape with the 404 of the resource, not a 500 from decoding it', async () => {
  const learner = await registerLearner(t.api);
  const course = await t.api.get('/courses/%ZZ/');
  assert.equal(course.status, 404, JSON.stringify(course.body));
  assert.equal(course.body.error.code, 'COURSE_NOT_FOUND');
  const order = await t.api.get('/orders/%E0%A4%A/', { token: learner.access });
  assert.equal(order.status, 404, JSON.stringify(order.body));
  assert.equal(order.body.error.code, 'ORDER_NOT_FOUND');
});

it('refuses a JSON body nested thousands of levels deep with 400 in the envelope, not a stack overflow', async () => {
  const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
  for (const rawBody of [deep(20_000), `{"email": ${deep(20_000)}, "password": "x"}`, `${`{"a":`.repeat(5000)}1${'}'.repeat(5000)}`]) {
    const res = await t.api.post('/auth/register/', undefined, { rawBody, headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'BAD_REQUEST');
    assert.match(res.body.error.message, /nested/);
  }
});

it('answers a Content-Encoding: gzip body that is not gzip with 400 in the envelope', async () => {
  const res = await t.api.post('/auth/register/', undefined, {
    rawBody: '{"email": "gzip@example.com"}',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'BAD_REQUEST');
});

it('answers a validly signed token of a deleted user with 401, on every write that references the user', async () => {
  const free = await insertCourse(t.db, { priceCents: 0 });
  const paid = await insertCourse(t.db, { priceCents: 1999 });
  const user = await registerLearner(t.api);
  await t.db('users').where({ id: user.id }).delete();
  const attempts = [
    await t.api.post('/cart/items/', { course_id: paid.id }, { token: user.access }),
    await t.api.post('/wishlist/items/', { course_id: paid.id }, { token: user.access }),
    await t.api.post(`/courses/${free.id}/enroll/`, undefined, { token: user.access }),
    await t.api.get('/cart/', { token: user.access }),
  ];
  for (const res of attempts) {
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'TOKEN_INVALID');
  }
});

it('answers the generic refusals with statuses each operation documents (413, 422 on an unknown query parameter)', async () => {
  const user = await registerLearner(t.api);
  // The client checks each status against the operation's documented responses.
  const big = await t.api.post('/cart/items/', { course_id: 'x'.repeat(200_000) }, { token: user.access });
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 'PAYLOAD_TOO_LARGE');
  for (const path of ['/cart/', '/wishlist/', '/auth/me/', '/dashboard/stats/'] as const) {
    const res = await t.api.get(path, { token: user.access, query: { unexpected_parameter: '1' } });
    assert.equal(res.status, 422, path);
    assert.equal(res.body.error.code, 'VALIDATION_ERROR');
  }
});

// Found by test/fuzz: a body field named like an Object.prototype member broke the building of the 422 details.
it('refuses body fields named __proto__ or constructor with 422 on that field', async () => {
  const user = await registerLearner(t.api);
  for (const [rawBody, field] of <Array<[string, string]>>[
    ['{"bio": "x", "constructor": "%"}', 'constructor'],
    ['{"bio": "x", "__proto__": {"a": 1}}', '__proto__'],
    ['{"bio": "x", "__proto__": 1}', '__proto__'],
  ]) {
    const res = await t.api.post('/auth/become-instructor/', undefined, {
      token: user.access,
      rawBody,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 422, rawBody);
    assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    assert.deepEqual(Object.keys(res.body.error.details), [field]);
    assert.deepEqual(res.body.error.details[field], ['This field is not allowed.']);
  }
});

// Found by test/fuzz: body-parser reads a body on any method, so DELETE can meet its 415 too (now documented).
it('answers a body in an unknown charset or encoding with 415 on any method', async () => {
  const user = await registerLearner(t.api);
  for (const headers of <Array<Record<string, string>>>[
    { 'content-type': 'application/json; charset=latin-9' },
    { 'content-type': 'application/json', 'content-encoding': 'br, zstd' },
  ]) {
    const res = await t.api.delete('/cart/', { token: user.access, rawBody: '{"a": 1}', headers });
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
  }
});
