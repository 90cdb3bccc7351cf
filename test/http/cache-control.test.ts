import assert from 'node:assert/strict';
import { it } from 'node:test';
import { insertCourse } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';

/** Answers that carry tokens or personal data must never be kept by a browser or a shared cache. */
const t = useTestServer();

const noStore = (res: { headers: Headers }): boolean => /\bno-store\b/.test(res.headers.get('cache-control') ?? '');

it('marks the token answers of register, login and refresh no-store', async () => {
  const user = await registerLearner(t.api);
  const register = await t.api.post('/auth/register/', {
    email: `cc-${Date.now()}@example.com`,
    password: 'SecurePassword123!',
    first_name: 'C',
    last_name: 'C',
  });
  assert.equal(register.status, 201);
  const login = await t.api.post('/auth/login/', { email: user.email, password: user.password });
  assert.equal(login.status, 200);
  const refresh = await t.api.post('/auth/refresh/', { refresh_token: user.refresh });
  assert.equal(refresh.status, 200);
  for (const res of [register, login, refresh]) assert.ok(noStore(res), res.headers.get('cache-control') ?? 'no Cache-Control');
});

it('marks every authenticated read no-store, its 401 included', async () => {
  const user = await registerLearner(t.api);
  for (const path of [
    '/auth/me/',
    '/cart/',
    '/wishlist/',
    '/orders/',
    '/enrollments/',
    '/certificates/',
    '/dashboard/stats/',
    '/dashboard/goals/',
    '/instructor/courses/',
  ] as const) {
    const own = await t.api.get(path, { token: user.access });
    assert.ok(own.status < 500, `${path} answered ${own.status}`);
    assert.ok(noStore(own), `${path} with a token: ${own.headers.get('cache-control')}`);
    const anonymous = await t.api.get(path);
    assert.equal(anonymous.status, 401, path);
    assert.ok(noStore(anonymous), `${path} without a token: ${anonymous.headers.get('cache-control')}`);
  }
});

it('leaves public catalog reads cacheable, unless the viewer presents a token (their own view of the page)', async () => {
  const course = await insertCourse(t.db);
  const user = await registerLearner(t.api);
  for (const path of [
    '/courses/',
    `/courses/${course.id}/`,
    `/courses/${course.slug}/`,
    '/categories/',
    `/courses/${course.id}/reviews/`,
  ] as const) {
    const res = await t.api.get(path);
    assert.equal(res.status, 200, path);
    assert.ok(!noStore(res), `${path} anonymous: ${res.headers.get('cache-control')}`);
  }
  const personal = await t.api.get(`/courses/${course.id}/`, { token: user.access });
  assert.equal(personal.status, 200);
  assert.ok(noStore(personal));
});
