import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Json, operations, readBundle, response } from '../support/document';
import { useTestServer } from '../support/harness';
import { registerLearner, type TestUser } from '../support/users';

/**
 * The contract's error examples are what the mock (Prism) serves to frontend teams, so they must be what the
 * server really answers. An example names its request with the `x-request` vendor extension, on the example
 * (`examples.<name>.x-request`) or, for a lone `example`, on the media type; the request lives next to the
 * answer so the two cannot drift apart. This sends each such request to the real server and compares the
 * whole answer with the example.
 *
 * `x-request`: `{ path?: {param: value}, query?: {...}, body?: ..., auth?: 'learner' | 'none' }`. Path
 * parameters not given are a well-formed id that names nothing (contract validation runs before any lookup);
 * operations that need a token get a fresh learner's unless `auth: none`.
 */
interface RequestSpec {
  path?: Record<string, string>;
  query?: Record<string, string | number>;
  body?: unknown;
  auth?: 'learner' | 'none';
}

interface NamedExample {
  title: string;
  method: string;
  path: string;
  status: number;
  value: Json;
  request: RequestSpec;
  secured: boolean;
}

const NOWHERE = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const doc = readBundle();

function namedExamples(): { withRequest: NamedExample[]; withoutRequest: string[] } {
  const withRequest: NamedExample[] = [];
  const withoutRequest: string[] = [];
  for (const op of operations(doc)) {
    const security = (op.operation.security ?? doc.security ?? []) as Json[];
    const secured = security.length > 0 && !security.some((s) => Object.keys(s).length === 0);
    for (const status of Object.keys(op.operation.responses ?? {})) {
      if (!/^[45]\d\d$/.test(status)) continue;
      const media = response(doc, op, status)?.response.content?.['application/json'] as Json | undefined;
      if (!media) continue;
      const entries: Array<[string, Json | undefined, Json | undefined]> =
        'example' in media
          ? [['example', media.example as Json, media['x-request'] as Json | undefined]]
          : Object.entries((media.examples ?? {}) as Json).map(([name, ex]) => [
              name,
              ex.value as Json,
              ex['x-request'] as Json | undefined,
            ]);
      for (const [name, value, request] of entries) {
        const title = `${op.operationId} ${status} ${name}`;
        if (!value?.error) continue;
        if (!request) withoutRequest.push(title);
        else
          withRequest.push({
            title,
            method: op.method.toUpperCase(),
            path: op.path,
            status: Number(status),
            value,
            request: request as RequestSpec,
            secured,
          });
      }
    }
  }
  return { withRequest, withoutRequest };
}

let learner: TestUser;
const t = useTestServer({}, async () => {
  learner = await registerLearner(t.api);
});

describe("the contract's error examples are the server's answers to the requests they name", () => {
  const { withRequest, withoutRequest } = namedExamples();

  it('names a request for every VALIDATION_ERROR example that contract validation produces', () => {
    // The others (state-dependent: an existing review, a 31-day-old order...) need data a stateless request
    // cannot name; they are covered by their own tests in test/catalog, test/commerce, ...
    assert.ok(withRequest.length >= 25, `only ${withRequest.length} examples name a request`);
    assert.ok(withoutRequest.length > 0);
  });

  for (const example of withRequest) {
    it(example.title, async () => {
      const path = example.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(example.request.path?.[name] ?? NOWHERE));
      const token = example.secured && example.request.auth !== 'none' ? learner.access : undefined;
      const res = await t.api.request(example.method, path, { token, query: example.request.query, body: example.request.body });
      assert.deepEqual({ status: res.status, body: res.body }, { status: example.status, body: example.value });
    });
  }
});
