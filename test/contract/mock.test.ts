import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Operation } from 'openapi-backend';
import { assertMatchesContract, matchOperation } from '../support/contract';
import { type GuideExample, guideExamples } from '../support/guide';
import { bin, BUNDLE, type Child, freePort, startChild, waitForHttp } from '../support/processes';

/**
 * `npm run mock` for frontend teams: Prism serves the contract's examples. This replays every curl example
 * of the customer's guide against it and checks that it answers the status the guide states, with a body
 * that matches the contract (and, for errors, the guide's error code).
 *
 * A mock has no state, so the guide's errors that depend on state (an expired token, a non-instructor, an
 * unknown course, a rate limit) are asked for with `Prefer: code=NNN` (and the named example with that
 * code); the errors Prism derives from the request itself
 * (no Authorization header: 401; an invalid body: 422) and every success come without it: a success must be
 * the operation's lowest 2xx, the one Prism serves to a frontend that sends no Prefer header.
 */
const DERIVED_BY_PRISM = new Set(['AUTHENTICATION_REQUIRED', 'VALIDATION_ERROR']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Json = Record<string, any>;

let prism: Child;
let baseUrl: string;

before(async () => {
  const port = await freePort();
  prism = startChild(bin('prism'), ['mock', '-h', '127.0.0.1', '-p', String(port), BUNDLE]);
  baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/health/`, prism);
});

after(async () => {
  await prism?.stop();
});

function errorCode(body: unknown): string | undefined {
  return (body as { error?: { code?: string } } | undefined)?.error?.code;
}

/** The example value of a parameter or request field, as the document gives it. */
function exampleOf(node: Json): unknown {
  return node.example ?? (Object.values(node.examples ?? {})[0] as Json | undefined)?.value ?? node.schema?.example;
}

/**
 * The guide's path with its non-UUID ids (`enrollment-001`) replaced by the document's example UUIDs where
 * the parameter is a UUID, so that Prism's validation accepts them. Ids a parameter accepts as they are
 * (`invalid-course-id` is a well-formed slug) stay.
 */
function mockPath(example: GuideExample, operation: Operation): string {
  const template = (operation.path as string).split('/');
  const segments = example.path.split('/');
  return segments
    .map((segment, i) => {
      const name = /^\{(.+)\}$/.exec(template[i] ?? '')?.[1];
      if (!name) return segment;
      const param = (operation.parameters as Json[] | undefined)?.find((p) => p.in === 'path' && p.name === name);
      assert.ok(param, `${operation.operationId} documents no path parameter ${name}`);
      if (param.schema?.format !== 'uuid' || UUID.test(segment)) return segment;
      return String(exampleOf(param));
    })
    .join('/');
}

/** The guide's body with its non-UUID ids (`"order_id": "order-001"`) replaced by the request example's. */
function mockBody(example: GuideExample, operation: Operation): unknown {
  if (example.body === null || typeof example.body !== 'object') return example.body;
  const media = (operation.requestBody as Json | undefined)?.content?.['application/json'] as Json | undefined;
  const properties = (media?.schema?.properties ?? {}) as Json;
  const documented = (exampleOf(media ?? {}) ?? {}) as Json;
  return Object.fromEntries(
    Object.entries(example.body as Json).map(([key, value]) => {
      const isUuid = properties[key]?.format === 'uuid';
      return [key, isUuid && typeof value === 'string' && !UUID.test(value) ? documented[key] : value];
    }),
  );
}

/**
 * The Prefer header that picks the guide's response where Prism cannot tell it from the request: a
 * state-dependent error (with the named example carrying the guide's code).
 */
function preferFor(example: GuideExample, operation: Operation): string | undefined {
  const code = errorCode(example.response);
  if (!example.status || (code && DERIVED_BY_PRISM.has(code))) return undefined;
  // A success is never asked for: Prism serves the lowest documented 2xx, which must be the guide's status
  // (a frontend using the mock sends no Prefer header).
  if (example.status < 400) return undefined;
  const media = (operation.responses?.[String(example.status)] as Json | undefined)?.content?.['application/json'] as Json | undefined;
  const named = Object.entries((media?.examples ?? {}) as Json).find(([, ex]) => errorCode(ex.value) === code)?.[0];
  return named ? `code=${example.status}, example=${named}` : `code=${example.status}`;
}

describe('the Prism mock answers every curl example of the guide', () => {
  const examples = guideExamples();

  it("finds the guide's curl examples", () => {
    assert.equal(examples.length, 30, 'the guide has 30 curl examples; did the parser or the guide change?');
  });

  for (const example of examples) {
    it(`${example.title}: ${example.method} ${example.path} → ${example.status}`, async () => {
      assert.ok(example.status, 'the guide states no status for this example');
      const operation = matchOperation(example.method, example.path);
      assert.ok(operation, `no operation of the contract matches ${example.method} ${example.path}`);
      const path = mockPath(example, operation);
      const headers: Record<string, string> = { ...example.headers };
      const prefer = preferFor(example, operation);
      if (prefer) headers.prefer = prefer;
      const body = mockBody(example, operation);
      const query = example.query.toString();
      const res = await fetch(`${baseUrl}${path}${query ? `?${query}` : ''}`, {
        method: example.method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const contentType = res.headers.get('content-type') ?? '';
      const text = await res.text();
      const received = contentType.startsWith('application/json') && text ? (JSON.parse(text) as unknown) : text;
      const violations = res.headers.get('sl-violations');
      assert.equal(res.status, example.status, `Prism answered ${res.status} (${violations ?? 'no violations'}): ${text.slice(0, 500)}`);
      assertMatchesContract(example.method, path, res.status, contentType, received);
      const code = errorCode(example.response);
      if (code) assert.equal(errorCode(received), code, `the guide's error code is ${code}`);
      if (res.status === 204) assert.equal(text, '');
    });
  }
});
