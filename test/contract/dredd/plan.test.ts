import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contract } from '../../support/contract';
import { startTestServer, type TestServer } from '../../support/harness';
import { type DocOperation, type Json, operations, readBundle, resolve } from '../../support/document';
import { type Fixtures, seedContractData } from './fixtures';
import { planFor } from './plan';
import { applyPlan, type HttpRequest } from './request';

/**
 * The Dredd preparations checked without Dredd, on real seeded data: every documented status of every
 * operation gets a plan (a request or a skip with a reason), and every prepared success request is one
 * the contract accepts. When an engineer
 * changes an operation's preparation, this says in seconds whether the request is still valid.
 */
const doc = readBundle();
const ops = operations(doc);
let t: TestServer;
let fixtures: Fixtures;

before(async () => {
  t = await startTestServer({ stripe: true });
  t.stripe!.deliverWebhooks = false;
  fixtures = await seedContractData(t);
});
after(async () => {
  await t?.close();
});

/** The request Dredd builds from the contract's examples, before the hooks touch it. */
function exampleRequest(op: DocOperation): HttpRequest {
  const exampleOf = (p: Json): unknown =>
    p.example ?? (Object.values((p.examples ?? {}) as Json)[0] as Json | undefined)?.value ?? p.schema?.enum?.[0];
  let path = op.path;
  const query = new URLSearchParams();
  for (const { parameter } of op.parameters) {
    const value = exampleOf(parameter);
    if (parameter.in === 'path') path = path.replace(`{${parameter.name as string}}`, String(value));
    if (parameter.in === 'query' && value !== undefined) query.set(parameter.name as string, String(value));
  }
  const media = op.operation.requestBody
    ? (resolve(doc, op.operation.requestBody as Json).content?.['application/json'] as Json | undefined)
    : undefined;
  const body = media ? JSON.stringify(media.example ?? {}) : '';
  return {
    method: op.method.toUpperCase(),
    uri: query.size > 0 ? `${path}?${query}` : path,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body,
  };
}

function prepared(op: DocOperation, status: number): HttpRequest | string {
  const plan = planFor(doc, op, status, fixtures);
  if (plan.skip !== undefined) return plan.skip;
  const request = exampleRequest(op);
  applyPlan(request, op, plan, fixtures);
  return request;
}

describe('the preparations of the Dredd run', () => {
  it('cover every documented status of every operation', () => {
    const statuses = ops.flatMap((op) => Object.keys(op.operation.responses ?? {}).map((s) => [op, Number(s)] as const));
    assert.ok(statuses.length > 300);
    for (const [op, status] of statuses) {
      const result = prepared(op, status);
      if (typeof result === 'string') assert.ok(result.length > 10, `${op.operationId} ${status} is skipped without a reason`);
    }
  });

  for (const op of ops) {
    const successes = Object.keys(op.operation.responses ?? {}).filter((s) => /^2\d\d$/.test(s));
    it(`${op.operationId}: the prepared success requests are valid for the contract`, () => {
      for (const status of successes) {
        const request = prepared(op, Number(status));
        assert.ok(typeof request !== 'string', `${op.operationId} ${status} is skipped: ${String(request)}`);
        const url = new URL(request.uri, 'http://x');
        const isJson = request.body !== '' && request.headers['Content-Type'] === 'application/json';
        const result = contract().validateRequest(
          {
            method: request.method,
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
            body: isJson ? (JSON.parse(request.body) as unknown) : undefined,
          },
          op.operationId,
        );
        assert.deepEqual(result.errors ?? [], [], `${op.operationId} ${status}: ${request.method} ${request.uri} ${request.body}`);
        const security = (op.operation.security ?? doc.security) as Json[];
        if (security.length > 0 && !security.some((req) => Object.keys(req).length === 0)) {
          assert.match(request.headers.Authorization ?? '', /^Bearer ey/, `${op.operationId} needs a user`);
        }
      }
    });
  }

  it('the 401s go without a valid token and the default 400s and 415s break the body', () => {
    for (const op of ops) {
      const statuses = Object.keys(op.operation.responses ?? {}).map(Number);
      const unauthorized = statuses.includes(401) ? prepared(op, 401) : undefined;
      if (unauthorized && typeof unauthorized !== 'string')
        assert.doesNotMatch(unauthorized.headers.Authorization ?? '', /^Bearer ey/, op.operationId);
      const malformed = statuses.includes(400) && op.operationId !== 'handleStripeWebhook' ? prepared(op, 400) : undefined;
      if (malformed && typeof malformed !== 'string') assert.throws(() => JSON.parse(malformed.body), op.operationId);
      const unsupported = statuses.includes(415) ? prepared(op, 415) : undefined;
      if (unsupported && typeof unsupported !== 'string') assert.equal(unsupported.headers['Content-Type'], 'text/plain', op.operationId);
    }
  });
});
