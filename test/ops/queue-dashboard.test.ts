import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { it } from 'node:test';
import { useTestServer } from '../support/harness';
import { registerInstructor, registerLearner, type TestUser } from '../support/users';

let staff: TestUser;
const t = useTestServer({}, async (server) => {
  staff = await registerLearner(server.api);
  // Staff is granted by an operator in the database, never through the API (see the last test).
  await server.db('users').where({ id: staff.id }).update({ is_staff: true });
});

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${t.baseUrl}${path}`, { headers, redirect: 'manual' });
}
const bearer = (user: TestUser): Record<string, string> => ({ authorization: `Bearer ${user.access}` });

async function assertRefused(res: Response, status: number, code: string): Promise<void> {
  assert.equal(res.status, status);
  const body = (await res.json()) as { error: { code: string; status: number; message: string } };
  assert.equal(body.error.code, code);
  assert.equal(body.error.status, status);
}

it('shows staff the dashboard and, through its API, the job queue', async () => {
  const page = await get('/admin/queues/', bearer(staff));
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(page.headers.get('cache-control'), 'no-store');
  assert.match(await page.text(), /<title>LearnFlow jobs<\/title>/);
  const api = await get('/admin/queues/api/queues', bearer(staff));
  assert.equal(api.status, 200);
  const { queues } = (await api.json()) as { queues: { name: string }[] };
  assert.deepEqual(
    queues.map((q) => q.name),
    ['learnflow-jobs'],
  );
});

it('refuses learners and instructors with 403, and anonymous or forged tokens with 401', async () => {
  const learner = await registerLearner(t.api);
  const instructor = await registerInstructor(t.api);
  for (const path of ['/admin/queues/', '/admin/queues/api/queues']) {
    await assertRefused(await get(path, bearer(learner)), 403, 'PERMISSION_DENIED');
    await assertRefused(await get(path, bearer(instructor)), 403, 'PERMISSION_DENIED');
    await assertRefused(await get(path), 401, 'AUTHENTICATION_REQUIRED');
    await assertRefused(await get(path, { authorization: 'Bearer not-a-token' }), 401, 'TOKEN_INVALID');
    await assertRefused(await get(path, { cookie: `lf_staff=${learner.access}` }), 403, 'PERMISSION_DENIED');
    await assertRefused(await get(path, { cookie: 'lf_staff=%E0%A4%A' }), 401, 'TOKEN_INVALID');
  }
  // The static assets are behind the same guard: nothing of the dashboard is served to anyone else.
  await assertRefused(await get('/admin/queues/static/js/nothing.js'), 401, 'AUTHENTICATION_REQUIRED');
});

it('lets a browser in through the login form, with an HttpOnly SameSite=Strict cookie, and staff only', async () => {
  const form = await get('/admin/login');
  assert.equal(form.status, 200);
  assert.match(await form.text(), /<form method="post" action="\/admin\/login">/);
  const post = (email: string, password: string): Promise<Response> =>
    fetch(`${t.baseUrl}/admin/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ email, password }) });

  const res = await post(staff.email, staff.password);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/admin/queues/');
  const cookie = res.headers.get('set-cookie') ?? '';
  assert.match(cookie, /^lf_staff=[^;]+; Max-Age=900; Path=\/admin; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
  const page = await get('/admin/queues/', { cookie: cookie.split(';')[0] as string });
  assert.equal(page.status, 200);

  const learner = await registerLearner(t.api);
  await assertRefused(await post(learner.email, learner.password), 403, 'PERMISSION_DENIED');
  await assertRefused(await post(staff.email, 'wrong-password'), 401, 'INVALID_CREDENTIALS');
});

it('never makes anyone staff through the public API', async () => {
  const email = `would-be-staff-${crypto.randomUUID()}@example.com`;
  const register = await t.api.post('/auth/register/', {
    email,
    password: 'SecurePassword123!',
    first_name: 'W',
    last_name: 'S',
    is_staff: true,
  });
  assert.equal(register.status, 422);
  assert.equal(register.body.error.code, 'VALIDATION_ERROR');
  const learner = await registerLearner(t.api);
  const patch = await t.api.patch('/auth/me/', { is_staff: true }, { token: learner.access });
  assert.equal(patch.status, 422);
  assert.equal(patch.body.error.code, 'VALIDATION_ERROR');
  assert.equal((await t.db('users').where({ id: learner.id }).first('is_staff')).is_staff, false);
});
