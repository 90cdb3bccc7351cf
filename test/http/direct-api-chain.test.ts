import assert from 'node:assert/strict';
import { it } from 'node:test';
import { insertCourse } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';

/**
 * The API's requests skip express's router (src/http/directApiChain.ts) but must be answered exactly as the router
 * answers them. express mounts the API case-insensitively, so `/API/V1/...` still goes through the router and
 * reaches the same contract: each request below is sent both ways, and status, body and headers must agree
 * (all but the per-request ones: id, date, rate-limit counters).
 */
const t = useTestServer();

const PER_REQUEST = new Set(['x-request-id', 'date', 'ratelimit-remaining', 'ratelimit-reset', 'keep-alive', 'connection']);

interface Sent {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

async function send(prefix: string, s: Sent): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const res = await fetch(`${t.baseUrl}${prefix}${s.path}`, { method: s.method, body: s.body, headers: s.headers });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!PER_REQUEST.has(name)) headers[name] = value;
  });
  return { status: res.status, body: await res.text(), headers };
}

it('answers every kind of API request as the router does', async () => {
  const course = await insertCourse(t.db, { title: 'Direct Chain Basics' });
  const learner = await registerLearner(t.api);
  const auth = { authorization: `Bearer ${learner.access}` };
  const json = { 'content-type': 'application/json' };
  const cases: Sent[] = [
    { method: 'GET', path: '/courses/?search=direct&page_size=5' },
    { method: 'GET', path: `/courses/${course.id}/` },
    { method: 'HEAD', path: `/courses/${course.id}/` },
    { method: 'GET', path: '/courses/?page_size=abc' },
    { method: 'GET', path: '/courses/not-a-course/' },
    { method: 'GET', path: '/no-such-operation/' },
    { method: 'PUT', path: '/courses/' },
    { method: 'GET', path: '/auth/me/' },
    { method: 'GET', path: '/auth/me/', headers: auth },
    { method: 'GET', path: '/auth/me/', headers: { authorization: 'Bearer not-a-token' } },
    { method: 'POST', path: '/auth/login/', body: '{"email": "nobody@example.com", "password": "x"}', headers: json },
    { method: 'POST', path: '/auth/login/', body: '{"email": ', headers: json },
    { method: 'POST', path: '/auth/login/', body: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { method: 'POST', path: '/auth/login/', body: '{"email": "a\\u0000b@example.com", "password": "x"}', headers: json },
    { method: 'POST', path: '/cart/items/', body: JSON.stringify({ course_id: course.id }), headers: { ...auth, ...json } },
    { method: 'GET', path: '/cart/', headers: auth },
  ];
  for (const c of cases) {
    const direct = await send('/api/v1', c);
    const routed = await send('/API/V1', c);
    const where = `${c.method} ${c.path}`;
    // The cart item was added by the first of the two requests: the second is refused as a duplicate, which the
    // comparison below would read as a difference; it is compared on its own terms instead.
    if (c.path === '/cart/items/') {
      assert.equal(direct.status, 201, where);
      assert.equal(routed.status, 409, where);
      continue;
    }
    assert.equal(direct.status, routed.status, where);
    assert.equal(direct.body, routed.body, where);
    assert.deepEqual(direct.headers, routed.headers, where);
  }
});

it('still answers through the router what lies outside the API: the staff login, the reference page, other paths', async () => {
  for (const [path, status] of [
    ['/admin/login', 200],
    ['/api/docs/', 200],
    ['/api/v1', 404],
    ['/api/v10/courses/', 404],
  ] as const) {
    const res = await fetch(`${t.baseUrl}${path}`);
    assert.equal(res.status, status, path);
    // The router's answers carry the same per-request headers as the API's own.
    assert.match(res.headers.get('x-request-id') ?? '', /^[\w-]+$/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
  }
});

it('answers a CORS preflight through the router, as before', async () => {
  const res = await fetch(`${t.baseUrl}/api/v1/courses/`, {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-max-age'), '7200');
});
