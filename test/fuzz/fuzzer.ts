import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, it } from 'node:test';
import fc from 'fast-check';
import { type DocOperation, type Json, operations, readBundle, resolve } from '../support/document';
import { insertCourse, insertEnrollment, upsertCategory } from '../support/factories/catalog';
import { orderCourses, purchase, signedWebhook } from '../support/factories/commerce';
import { insertReview } from '../support/factories/learning';
import { startTestServer, type TestServer } from '../support/harness';
import { registerInstructor, registerLearner } from '../support/users';
import { invalid, junk, type Pools, valid } from './schemaArbitraries';

/**
 * Schema-driven fuzzing: for every operation of the bundled contract, seeded and bounded draws of valid and
 * invalid path parameters, query strings and bodies (plus raw bodies HTTP-level parsers see first), sent with
 * real tokens over real rows. The tests' ApiClient checks each answer against the contract (a documented
 * status, a body valid for it); the fuzzer adds "never a 5xx". FUZZ_SEED replays a run, FUZZ_SCALE multiplies
 * the draws.
 */
export const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const CONCURRENCY = 4;

type Role = 'learner' | 'other' | 'instructor' | 'anonymous' | 'garbage' | 'refresh';

export interface World {
  pools: Pools;
  tokens: Record<Role, string | undefined>;
}

/** Real rows for the fuzzer to aim at: users with tokens, courses of the instructor, an enrollment, an order... */
export async function buildWorld(t: TestServer): Promise<World> {
  const learner = await registerLearner(t.api);
  const other = await registerLearner(t.api);
  const instructor = await registerInstructor(t.api);
  const categoryId = await upsertCategory(t.db, 'Development');
  const paid = await insertCourse(t.db, { instructorId: instructor.id, priceCents: 4999 });
  const free = await insertCourse(t.db, { instructorId: instructor.id, priceCents: 0 });
  const draft = await insertCourse(t.db, { instructorId: instructor.id, published: false });
  const foreign = await insertCourse(t.db, { priceCents: 1999 });
  const bought = await insertCourse(t.db, { priceCents: 2999 });
  const enrollmentId = await insertEnrollment(t.db, learner.id, paid);
  await insertReview(t.db, learner.id, paid.id, 4);
  const orderId = t.stripe ? await purchase(t, learner, [bought.id]) : undefined;
  const pending = await orderCourses(t, learner, [foreign.id]);
  const wish = await t.api.post('/wishlist/items/', { course_id: free.id }, { token: learner.access });
  const cart = await t.api.get('/cart/', { token: learner.access });
  const reviewIds = (await t.db('reviews').pluck('id')) as string[];
  const code = `CERT-${crypto.randomBytes(4).toString('hex').toUpperCase()}`;
  const [certificate] = await t
    .db('certificates')
    .insert({
      enrollment_id: enrollmentId,
      user_id: learner.id,
      course_id: paid.id,
      verification_code: code,
      learner_name: 'Lea Rner',
      course_title: 'Course',
      instructor_name: 'Ina Structor',
    })
    .returning('id');
  const courses = [paid, free, draft, foreign, bought];
  return {
    pools: {
      course_id: courses.map((c) => c.id),
      section_id: courses.flatMap((c) => c.sectionIds),
      lesson_id: courses.flatMap((c) => c.lessonIds),
      enrollment_id: [enrollmentId],
      review_id: reviewIds,
      item_id: [wish.body?.id, ...((cart.body?.items ?? []) as Array<{ id: string }>).map((i) => i.id)].filter(Boolean),
      order_id: [pending.id, orderId].filter((x): x is string => Boolean(x)),
      certificate_id: [(certificate as { id: string }).id],
      verification_code: [code],
      category_id: [categoryId],
      category: ['development', 'Development'],
      instructor: [instructor.id],
      refresh_token: [learner.refresh],
      email: [learner.email],
      password: [learner.password],
      current_password: [learner.password],
    },
    tokens: {
      learner: learner.access,
      other: other.access,
      instructor: instructor.access,
      anonymous: undefined,
      garbage: 'not.a.token',
      refresh: learner.refresh,
    },
  };
}

export interface FuzzRequest {
  method: string;
  path: string;
  role: Role;
  query: Record<string, string>;
  body?: unknown;
  rawBody?: string | Buffer;
  headers: Record<string, string>;
  variant: string;
}

// Mostly real tokens, so that requests get past authentication; a quarter without one or with a bad one.
const role = fc.constantFrom<Role>(
  'learner',
  'learner',
  'learner',
  'learner',
  'instructor',
  'instructor',
  'instructor',
  'instructor',
  'other',
  'anonymous',
  'garbage',
  'refresh',
);

const queryValue = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function deepNest(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Bodies only HTTP-level parsers see: broken JSON, other media types, bad encodings, deep nesting. */
const rawVariants = fc.constantFrom<{ rawBody: string | Buffer; headers: Record<string, string>; variant: string }>(
  { rawBody: '{"broken": ', headers: { 'content-type': 'application/json' }, variant: 'malformed JSON' },
  { rawBody: 'course_id=1', headers: { 'content-type': 'text/plain' }, variant: 'text body' },
  { rawBody: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' }, variant: 'form body' },
  { rawBody: '{"a": 1}', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, variant: 'gzip that is not gzip' },
  { rawBody: '{"a": 1}', headers: { 'content-type': 'application/json', 'content-encoding': 'br, zstd' }, variant: 'unknown encoding' },
  { rawBody: '{"a": 1}', headers: { 'content-type': 'application/json; charset=latin-9' }, variant: 'unknown charset' },
  { rawBody: deepNest(3000), headers: { 'content-type': 'application/json' }, variant: 'nested 3000 deep' },
  { rawBody: `[${'['.repeat(40)}${']'.repeat(40)}]`, headers: { 'content-type': 'application/json' }, variant: 'nested arrays' },
  { rawBody: `{"x": "${'a'.repeat(150_000)}"}`, headers: { 'content-type': 'application/json' }, variant: 'too large' },
  { rawBody: Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), headers: { 'content-type': 'application/json' }, variant: 'invalid UTF-8' },
  { rawBody: '"just a string"', headers: { 'content-type': 'application/json' }, variant: 'JSON string body' },
  { rawBody: 'null', headers: { 'content-type': 'application/json' }, variant: 'JSON null body' },
  { rawBody: '', headers: { 'content-type': 'application/json' }, variant: 'empty JSON body' },
);

/** Every variant of one operation's request: path parameters, query and body, each valid or broken. */
export function requestArbitrary(doc: Json, op: DocOperation, world: World): fc.Arbitrary<FuzzRequest> {
  const params = op.parameters.map((p) => p.parameter);
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const bodySchema = op.operation.requestBody
    ? (resolve(doc, op.operation.requestBody as Json).content?.['application/json']?.schema as Json | undefined)
    : undefined;

  const pathValue = (p: Json): fc.Arbitrary<string> =>
    fc.oneof(
      { weight: 6, arbitrary: valid(doc, p.schema as Json, world.pools, p.name as string).map(queryValue) },
      { weight: 1, arbitrary: junk.map(queryValue).filter((s) => s.length > 0) },
    );
  const path = fc
    .tuple(...pathParams.map((p) => pathValue(p).map((v) => [p.name as string, v] as const)))
    .map((pairs) =>
      pairs.reduce((acc, [name, v]) => acc.replace(`{${name}}`, encodeURIComponent(Buffer.from(v, 'utf8').toString('utf8'))), op.path),
    );

  const queryEntry = (p: Json): fc.Arbitrary<[string, string] | undefined> =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(undefined) },
      {
        weight: 4,
        arbitrary: valid(doc, p.schema as Json, world.pools, p.name as string).map(
          (v) => [p.name as string, queryValue(v)] as [string, string],
        ),
      },
      {
        weight: 1,
        arbitrary: invalid(doc, p.schema as Json, world.pools).map((v) => [p.name as string, queryValue(v)] as [string, string]),
      },
    );
  const query = fc
    .tuple(
      fc.tuple(...queryParams.map(queryEntry)),
      fc.oneof(
        { weight: 9, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('unexpected', 'page[size]', 'format', '_'), junk.map(queryValue)) },
      ),
    )
    .map(([entries, extra]) => Object.fromEntries([...entries, extra].filter((e): e is [string, string] => Boolean(e))));

  const canHaveBody = op.method !== 'get';
  type BodyPart = Pick<FuzzRequest, 'body' | 'rawBody' | 'headers' | 'variant'>;
  const noBody: fc.Arbitrary<BodyPart> = fc.constant({ headers: {}, variant: 'no body' });
  const bodies: Array<{ weight: number; arbitrary: fc.Arbitrary<BodyPart> }> = [];
  if (bodySchema) {
    bodies.push({
      weight: 6,
      arbitrary: valid(doc, bodySchema, world.pools).map((body) => ({ body, headers: {}, variant: 'valid body' })),
    });
    bodies.push({
      weight: 4,
      arbitrary: invalid(doc, bodySchema, world.pools).map((body) => ({ body, headers: {}, variant: 'invalid body' })),
    });
  } else bodies.push({ weight: 6, arbitrary: noBody });
  if (canHaveBody) bodies.push({ weight: 1, arbitrary: rawVariants.map((r) => ({ ...r, headers: { ...r.headers } })) });

  return fc.record({ path, query, role, part: fc.oneof(...bodies) }).map(({ path: p, query: q, role: r, part }) => {
    const request: FuzzRequest = { method: op.method.toUpperCase(), path: p, role: r, query: q, ...part, headers: { ...part.headers } };
    // Half of the webhook's valid bodies are signed as Stripe would, so that the handler itself is reached.
    if (op.operationId === 'handleStripeWebhook' && part.variant === 'valid body' && r !== 'anonymous') request.variant = 'signed webhook';
    return request;
  });
}

export interface Finding {
  operationId: string;
  request: string;
  problem: string;
}

export interface FuzzReport {
  requests: number;
  statuses: Record<string, number>;
  findings: Finding[];
}

/** Draws `perOperation` requests for each operation (seeded per operation) and sends them, collecting what breaks. */
export async function fuzz(t: TestServer, world: World, filter: (op: DocOperation) => boolean, perOperation: number): Promise<FuzzReport> {
  const doc = readBundle();
  const report: FuzzReport = { requests: 0, statuses: {}, findings: [] };
  const jobs: Array<{ op: DocOperation; request: FuzzRequest }> = [];
  for (const op of operations(doc).filter(filter)) {
    const seed = SEED ^ parseInt(crypto.createHash('sha1').update(op.operationId).digest('hex').slice(0, 7), 16);
    for (const request of fc.sample(requestArbitrary(doc, op, world), { seed, numRuns: Math.round(perOperation * SCALE) }))
      jobs.push({ op, request });
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const { op, request } = jobs[next++] as { op: DocOperation; request: FuzzRequest };
      await send(t, world, op, request, report);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return report;
}

async function send(t: TestServer, world: World, op: DocOperation, request: FuzzRequest, report: FuzzReport): Promise<void> {
  let { rawBody, headers } = request;
  if (request.variant === 'signed webhook') ({ rawBody, headers } = signedWebhook(t, request.body));
  const describe = `${request.method} ${request.path}?${new URLSearchParams(request.query).toString()} as ${request.role} (${request.variant}) ${JSON.stringify(rawBody === undefined ? request.body : String(rawBody).slice(0, 200))?.slice(0, 400)}`;
  report.requests++;
  try {
    const res = await t.api.request(request.method, request.path, {
      token: world.tokens[request.role],
      query: request.query,
      ...(rawBody !== undefined ? { rawBody } : request.body !== undefined ? { body: request.body } : {}),
      headers,
    });
    report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
    if (res.status >= 500)
      report.findings.push({
        operationId: op.operationId,
        request: describe,
        problem: `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
      });
  } catch (err) {
    report.findings.push({ operationId: op.operationId, request: describe, problem: (err as Error).message.slice(0, 600) });
  }
}

/** One line per distinct problem (operation + first words), with one request that shows it. */
export function summarize(findings: Finding[]): string {
  const seen = new Map<string, Finding & { count: number }>();
  for (const f of findings) {
    const key = `${f.operationId}: ${f.problem.replace(/[0-9a-f-]{36}/g, '<id>').slice(0, 120)}`;
    const entry = seen.get(key);
    if (entry) entry.count++;
    else seen.set(key, { ...f, count: 1 });
  }
  return [...seen.values()].map((f) => `- ${f.operationId} ×${f.count}: ${f.problem}\n    ${f.request}`).join('\n');
}

/**
 * One fuzz test file: a server of its own (with the Stripe test server, so that payments answer), the world,
 * then `perOperation` draws for each operation `filter` keeps. Prints the request count and the seed.
 */
export function fuzzFile(name: string, filter: (op: DocOperation) => boolean, perOperation: number): void {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ stripe: true });
  });
  after(async () => {
    await t.close();
  });
  it(`answers every generated request (${name}) with a documented status and body, never a 5xx`, async () => {
    const world = await buildWorld(t);
    const started = Date.now();
    const report = await fuzz(t, world, filter, perOperation);
    console.log(
      `fuzz ${name}: ${report.requests} requests, seed ${SEED}, ${Date.now() - started} ms, statuses ${JSON.stringify(report.statuses)}`,
    );
    assert.equal(
      report.findings.length,
      0,
      `${report.findings.length} findings (replay with FUZZ_SEED=${SEED}):\n${summarize(report.findings)}`,
    );
  });
}
