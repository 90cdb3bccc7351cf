import assert from 'node:assert/strict';
import { it } from 'node:test';
import type OpenAPIBackend from 'openapi-backend';
import type { Context } from 'openapi-backend';
import { contractBackend } from '../../src/api/backend';
import { type ContractRequest, contractPipeline } from '../../src/api/contractPipeline';
import { precompileRouter } from '../../src/api/precompiledRouter';

/**
 * The contract pipeline (src/api/contractPipeline.ts) must decide every request as openapi-backend's own
 * handleRequest does: the same operation or 404/405, the same security outcome, the same validation errors, and
 * the same path parameters, coerced query and body handed to the handler. Both run here with recording handlers
 * over every documented operation, with requests of several shapes (ids, queries, bodies, tokens, methods).
 */
async function recordingBackend(): Promise<OpenAPIBackend> {
  const api = contractBackend();
  await api.init();
  api.registerSecurityHandler('bearerAuth', (c: Context) => {
    const header = c.request.headers.authorization;
    if (!header) return undefined;
    if (header === 'Bearer good') return { id: 'user' };
    if (header === 'Bearer falsy') return null;
    throw new Error('bad token');
  });
  const snapshot = (kind: string) => (c: Context) => ({
    kind,
    operationId: c.operation?.operationId,
    params: c.request?.params,
    query: c.request?.query,
    requestBody: c.request?.requestBody,
    authorized: c.security?.authorized,
    securityKeys: c.security ? Object.keys(c.security).sort() : undefined,
    errors: c.validation?.errors ?? undefined,
  });
  api.register({
    notFound: () => ({ kind: '404' }),
    methodNotAllowed: () => ({ kind: '405' }),
    notImplemented: snapshot('501'),
    unauthorizedHandler: snapshot('401'),
    validationFail: snapshot('invalid'),
  });
  for (const op of api.router.getOperations()) api.register(op.operationId as string, snapshot('handled'));
  return api;
}

it('answers every operation as openapi-backend handleRequest does', async () => {
  const library = await recordingBackend();
  const fast = await recordingBackend();
  const pipeline = contractPipeline<[]>(fast, precompileRouter(fast.router));

  const ids = ['3f0b6a0e-8a55-4c8e-9f43-1d2c3b4a5e6f', 'not-a-uuid', 'react%20basics', 'a.b'];
  const queries: Record<string, string | string[]>[] = [
    {},
    { page: '2', page_size: '5' },
    { page: 'x' },
    { ordering: '-rating', level: 'beginner', category: 'development' },
    { search: 'javascript', min_price: '10', max_price: 'abc' },
    { level: ['beginner', 'advanced'] },
    { unknown: '1' },
  ];
  const bodies: unknown[] = [undefined, {}, { course_id: ids[0] }, { email: 'a@b.co', password: 'x' }, 'text', 42, null, []];
  const tokens = [undefined, 'Bearer good', 'Bearer bad', 'Bearer falsy'];
  let compared = 0;
  const kinds = new Set<string>();
  for (const op of library.router.getOperations()) {
    for (const id of ids) {
      const path = op.path.replace(/\{[^}]+\}/g, id);
      for (const method of [op.method.toUpperCase(), op.method === 'get' ? 'DELETE' : 'GET']) {
        // Each dimension varied on its own: queries, then bodies, then tokens.
        const shapes = [
          ...queries.map((query) => ({ query, body: undefined as unknown, authorization: tokens[1] })),
          ...(method === 'GET' ? [] : bodies).map((body) => ({ query: queries[1] ?? {}, body, authorization: tokens[1] })),
          ...tokens.map((authorization) => ({ query: queries[3] ?? {}, body: method === 'GET' ? undefined : bodies[2], authorization })),
        ];
        for (const { query, body, authorization } of shapes) {
          const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
          if (authorization) headers.authorization = authorization;
          const request = (): ContractRequest => ({
            method,
            path,
            query: structuredClone(query),
            headers: { ...headers },
            body: structuredClone(body),
          });
          const expected = await library.handleRequest(request() as never);
          const actual = await pipeline(request());
          assert.deepEqual(actual, expected, `${method} ${path} ${JSON.stringify({ query, body, authorization })}`);
          kinds.add((expected as { kind: string }).kind);
          compared++;
        }
      }
    }
  }
  // Guards the test itself: it met handled, invalid, unauthorized, 404 and 405 outcomes.
  for (const kind of ['handled', 'invalid', '401', '405']) assert.ok(kinds.has(kind), `no ${kind} outcome among ${[...kinds]}`);
  assert.ok(compared > 2000, `compared ${compared}`);
});

it('routes a path outside every template to notFound', async () => {
  const api = await recordingBackend();
  const pipeline = contractPipeline<[]>(api, precompileRouter(api.router));
  assert.deepEqual(await pipeline({ method: 'GET', path: '/no/such/path/', query: {}, headers: {}, body: undefined }), { kind: '404' });
});
