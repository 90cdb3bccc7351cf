import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { insertCourse } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';
import { buildWorld, contractOperations, fillPath, OPERATIONS, ownerOf, spec, tokenOf, type World } from './operations';

/**
 * OWASP API3:2023 Broken Object Property Level Authorization: mass assignment on the way in, excessive data
 * exposure on the way out. Every writable body of the contract is closed (additionalProperties: false, nested
 * objects too), and each is sent, by its rightful caller, with the privileged fields a client must never set:
 * the answer is 422 naming each one, so none can be applied. Ids inside bodies reach only the caller's objects.
 */
let w: World;
const t = useTestServer({}, async () => {
  w = await buildWorld(t);
});

/** Fields the server owns: identity, ownership, publication, role, state, money and derived figures. */
const PRIVILEGED = [
  'id',
  'user_id',
  'instructor_id',
  'is_instructor',
  'role',
  'is_staff',
  'is_admin',
  'is_published',
  'published_at',
  'status',
  'price_cents',
  'amount',
  'amount_cents',
  'total',
  'subtotal',
  'discount',
  'tax',
  'currency',
  'refunded_amount',
  'rating_average',
  'rating_count',
  'student_count',
  'helpful_count',
  'progress_percentage',
  'completed_at',
  'enrolled_at',
  'created_at',
  'updated_at',
  'verification_code',
  'password_hash',
  'email_verified',
];

/** Only the Stripe webhook takes an open body: Stripe's events grow fields, and the signature vouches for them. */
const OPEN_BODIES = new Set(['handleStripeWebhook']);

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  items?: Schema;
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

function bodySchema(method: string, route: string): Schema | undefined {
  const op = (spec.paths[route] as Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>)[method.toLowerCase()];
  return resolve(op?.requestBody?.content['application/json']?.schema);
}

function exampleBody(method: string, route: string): Record<string, unknown> {
  const op = (
    spec.paths[route] as Record<
      string,
      { requestBody?: { content: Record<string, { example?: object; examples?: Record<string, { value: object }> }> } }
    >
  )[method.toLowerCase()];
  const media = op?.requestBody?.content['application/json'];
  return { ...(media?.example ?? Object.values(media?.examples ?? {})[0]?.value ?? {}) };
}

/** Paths (dotted) of the object schemas in `s` that accept properties they do not declare. */
function openObjects(s: Schema | undefined, at = 'body'): string[] {
  const r = resolve(s);
  if (!r) return [];
  const nested = [...(r.allOf ?? []), ...(r.oneOf ?? []), ...(r.anyOf ?? [])].flatMap((x) => openObjects(x, at));
  if (r.items) nested.push(...openObjects(r.items, `${at}[]`));
  if (r.properties) {
    for (const [k, v] of Object.entries(r.properties)) nested.push(...openObjects(v, `${at}.${k}`));
    if (r.additionalProperties !== false) nested.push(at);
  }
  return nested;
}

const writable = contractOperations().filter((o) => bodySchema(o.method, o.path) && !OPEN_BODIES.has(o.operationId));

describe('API3:2023 Broken Object Property Level Authorization', () => {
  it('closes every writable body of the contract, nested objects included', () => {
    assert.ok(writable.length >= 20, `only ${writable.length} writable operations found`);
    const open = writable.flatMap((o) => openObjects(bodySchema(o.method, o.path)).map((p) => `${o.operationId} ${p}`));
    assert.deepEqual(open, [], 'these request objects accept undeclared properties');
  });

  for (const op of writable) {
    it(`refuses privileged fields in the body of ${op.operationId}`, async () => {
      const c = OPERATIONS[op.operationId];
      assert.ok(c, `${op.operationId} is not classified`);
      // The contract's own example body on any id: the refusal comes from validation, before any lookup, so
      // no object has to exist (and nothing can be applied).
      const params = new Proxy({}, { get: () => crypto.randomUUID() }) as Record<string, string>;
      const example = exampleBody(op.method, op.path);
      const declared = new Set(Object.keys(bodySchema(op.method, op.path)?.properties ?? {}));
      const smuggled = PRIVILEGED.filter((f) => !declared.has(f));
      const extra = Object.fromEntries(
        smuggled.map((f) => [f, f.endsWith('_id') || f === 'id' ? w.users.otherInstructor.id : f.startsWith('is_') ? true : 1]),
      );
      const caller = ownerOf(c.kind) ?? (c.kind === 'public' ? 'anonymous' : 'learner');
      const res = await t.api.request(op.method, fillPath(op.path, params), { token: tokenOf(w, caller), body: { ...example, ...extra } });
      assert.equal(res.status, 422, `${op.operationId}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      assert.equal(res.body.error.code, 'VALIDATION_ERROR');
      for (const f of smuggled) assert.deepEqual(res.body.error.details[f], ['This field is not allowed.'], `${op.operationId}.${f}`);
    });
  }

  it('refuses privileged fields nested in the profile, and applies none of them', async () => {
    const res = await t.api.patch(
      '/auth/me/',
      { profile: { is_instructor: true, email: 'taken@example.com', total_hours_learned: 999 } },
      { token: w.users.learner.access },
    );
    assert.equal(res.status, 422);
    assert.deepEqual(Object.keys(res.body.error.details).sort(), ['profile.email', 'profile.is_instructor', 'profile.total_hours_learned']);
    const me = await t.api.get('/auth/me/', { token: w.users.learner.access });
    assert.equal(me.body.is_instructor, false);
    assert.equal(me.body.email, w.users.learner.email);
  });

  it("never lets a body id reach another instructor's section or an unpublished course", async () => {
    const mine = await insertCourse(t.db, { instructorId: w.users.instructor.id });
    const theirs = await insertCourse(t.db, { instructorId: w.users.otherInstructor.id });
    const move = await t.api.patch(
      `/courses/${mine.id}/lessons/${mine.lessonIds[0]}/`,
      { section_id: theirs.sectionIds[0] },
      { token: w.users.instructor.access },
    );
    assert.ok([404, 422].includes(move.status), `moved into a foreign section: ${move.status}`);
    assert.equal((await t.db('lessons').where({ id: mine.lessonIds[0] }).first()).section_id, mine.sectionIds[0]);

    const draft = await insertCourse(t.db, { instructorId: w.users.otherInstructor.id, published: false });
    for (const path of ['/cart/items/', '/wishlist/items/'] as const) {
      const res = await t.api.post(path, { course_id: draft.id }, { token: w.users.learner.access });
      assert.equal(res.status, 404, `${path} took an unpublished course: ${res.status}`);
    }
    const enroll = await t.api.post(`/courses/${draft.id}/enroll/`, undefined, { token: w.users.learner.access });
    assert.equal(enroll.status, 404);
  });

  it('never exposes a password hash or a Stripe secret in any answer about users, orders or payments', async () => {
    const texts: string[] = [];
    const learner = w.users.learner.access;
    for (const path of ['/auth/me/', '/orders/', '/enrollments/', '/dashboard/stats/', '/cart/'] as const)
      texts.push(JSON.stringify((await t.api.get(path, { token: learner })).body));
    const login = await t.api.post('/auth/login/', { email: w.users.learner.email, password: w.users.learner.password });
    texts.push(JSON.stringify(login.body));
    for (const text of texts) {
      assert.doesNotMatch(text, /password|\$argon2|sk_test_|whsec_/i, text.slice(0, 200));
    }
  });
});
