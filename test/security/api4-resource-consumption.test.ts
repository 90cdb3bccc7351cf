import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse } from '../support/factories/catalog';
import { insertCoupon } from '../support/factories/coupons';
import { useTestServer } from '../support/harness';
import { registerInstructor, type TestUser } from '../support/users';
import { contractOperations, fillPath, spec } from './operations';

/**
 * OWASP API4:2023 Unrestricted Resource Consumption. Every input is bounded by the contract (string lengths,
 * array sizes, page sizes) and by the server (the body limit), and every rate limit answers 429 in the envelope
 * with retry_after. The limits are small here; each test speaks from its own loopback address (127.0.0.x), so
 * their budgets are apart, as two clients' would be.
 */
let instructor: TestUser;
const t = useTestServer(
  {
    env: {
      RATE_LIMIT_GLOBAL_PER_MINUTE: '40',
      RATE_LIMIT_LOGIN_FAILURES_PER_IP: '6',
      RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '3',
      BODY_LIMIT: '100kb',
    },
  },
  async () => {
    instructor = await registerInstructor(t.api);
  },
);

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  maxLength?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};

function resolve(s: Schema | undefined): Schema | undefined {
  let out = s;
  while (out?.$ref)
    out = out.$ref
      .replace('#/', '')
      .split('/')
      .reduce<any>((o, k) => o[k], spec) as Schema;
  return out;
}

/** Strings without a maximum length and arrays without a maximum size, anywhere in a schema. */
function unbounded(s: Schema | undefined, at: string): string[] {
  const r = resolve(s);
  if (!r) return [];
  const out = [...(r.allOf ?? []), ...(r.oneOf ?? []), ...(r.anyOf ?? [])].flatMap((x) => unbounded(x, at));
  const fixedPattern = r.pattern !== undefined && !/[*+]|\{\d+,\}/.test(r.pattern);
  if (
    r.type === 'string' &&
    r.maxLength === undefined &&
    !r.enum &&
    !fixedPattern &&
    !['uuid', 'date', 'date-time'].includes(r.format ?? '')
  )
    out.push(at);
  if (r.type === 'array') {
    if (r.maxItems === undefined) out.push(`${at}[]`);
    out.push(...unbounded(r.items, `${at}[]`));
  }
  for (const [k, v] of Object.entries(r.properties ?? {})) out.push(...unbounded(v, `${at}.${k}`));
  return out;
}

const from = (n: number) => ({ localAddress: `127.0.0.${n}` });

describe('API4:2023 Unrestricted Resource Consumption', () => {
  it('bounds every string and array of every writable body in the contract', () => {
    const found = contractOperations().flatMap((o) => {
      const op = (spec.paths[o.path] as Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>)[
        o.method.toLowerCase()
      ];
      const schema = op?.requestBody?.content['application/json']?.schema;
      return schema && o.operationId !== 'handleStripeWebhook' ? unbounded(schema, o.operationId) : [];
    });
    assert.deepEqual(found, []);
  });

  it('answers 413 PAYLOAD_TOO_LARGE in the envelope for a body over the limit', async () => {
    const big = { email: 'a@example.com', password: 'x'.repeat(150_000) };
    const anonymous = await t.api.post('/auth/login/', big, from(11));
    assert.equal(anonymous.status, 413);
    assert.equal(anonymous.body.error.code, 'PAYLOAD_TOO_LARGE');
    const authed = await t.api.patch('/auth/me/', { first_name: 'x'.repeat(150_000) }, { token: instructor.access, ...from(11) });
    assert.equal(authed.status, 413);
  });

  it('caps page_size at 100 on every paginated list of the contract', async () => {
    const course = await insertCourse(t.db, { instructorId: instructor.id });
    const coupon = await insertCoupon(t.db, course.id);
    const paged = contractOperations().filter((o) =>
      ((spec.paths[o.path] as Record<string, { parameters?: Schema[] }>)[o.method.toLowerCase()]?.parameters ?? []).some(
        (p) => (resolve(p) as { name?: string }).name === 'page_size',
      ),
    );
    assert.ok(paged.length >= 6, `${paged.length} paginated operations`);
    for (const op of paged) {
      const path = fillPath(op.path, { course_id: course.id, coupon_id: coupon.id });
      const over = await t.api.request('GET', path, { token: instructor.access, query: { page_size: 101 }, ...from(12) });
      assert.equal(over.status, 422, `${op.operationId}: ${over.status}`);
      assert.ok(over.body.error.details.page_size, op.operationId);
      const max = await t.api.request('GET', path, { token: instructor.access, query: { page_size: 100 }, ...from(12) });
      assert.equal(max.status, 200, `${op.operationId}: ${max.status}`);
    }
  });

  it('limits every address to its global budget with 429, retry_after and the RateLimit headers', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof t.api.get>> | undefined;
    for (let i = 0; i < 41; i++) {
      last = await t.api.get('/categories/', from(13));
      statuses.push(last.status);
    }
    assert.deepEqual(statuses.slice(0, 40), Array(40).fill(200));
    assert.equal(last?.status, 429);
    assert.equal(last?.body.error.code, 'RATE_LIMIT_EXCEEDED');
    assert.ok(last?.body.error.retry_after > 0);
    assert.equal(last?.headers.get('retry-after'), String(last?.body.error.retry_after));
    assert.equal(last?.headers.get('ratelimit-remaining'), '0');
    assert.equal((await t.api.get('/categories/', from(14))).status, 200, 'another address has its own budget');
  });

  it('limits login failures per address over all emails, so one address cannot sweep many accounts', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await t.api.post('/auth/login/', { email: `sweep-${i}@example.com`, password: 'guess-123456' }, from(15));
      assert.equal(res.status, 401);
    }
    const blocked = await t.api.post('/auth/login/', { email: instructor.email, password: instructor.password }, from(15));
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.code, 'RATE_LIMIT_EXCEEDED');
    assert.equal((await t.api.post('/auth/login/', { email: instructor.email, password: instructor.password }, from(16))).status, 200);
  });

  it('limits registrations per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.api.post(
        '/auth/register/',
        { email: `flood-${i}-${Date.now()}@example.com`, password: 'SecurePassword123!', first_name: 'F', last_name: 'L' },
        from(17),
      );
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429]);
  });

  it('answers a JSON body nested thousands of levels deep with a 4xx, not a crash', async () => {
    const deep = `{"email":"a@example.com","password":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const res = await t.api.request('POST', '/auth/login/', {
      rawBody: deep,
      headers: { 'content-type': 'application/json' },
      ...from(18),
    });
    assert.ok(res.status >= 400 && res.status < 500, `${res.status}`);
    assert.equal(typeof res.body.error.code, 'string');
  });

  it('keeps a course page bounded however large its curriculum grows', async () => {
    const course = await insertCourse(t.db, { instructorId: instructor.id, published: false, sections: 1, lessonsPerSection: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 310 && !statuses.includes(422); i++) {
      const res = await t.api.post(
        `/courses/${course.id}/sections/${course.sectionIds[0]}/lessons/`,
        { title: `Lesson ${i}`, duration_minutes: 1, description: 'd'.repeat(5000) },
        { token: instructor.access, ...from(19) },
      );
      statuses.push(res.status);
    }
    assert.ok(statuses.includes(422), 'no bound on lessons per section');
    const page = await t.api.get(`/courses/${course.id}/`, { token: instructor.access, ...from(19) });
    assert.ok(page.raw.length < 2_000_000, `course page is ${page.raw.length} bytes`);
  });
});
