import assert from 'node:assert/strict';
import { it } from 'node:test';
import OpenAPIBackend from 'openapi-backend';
import { loadDefinition } from '../../src/api/backend';
import { precompileRouter } from '../../src/api/precompiledRouter';

/**
 * The precompiled router (src/api/precompiledRouter.ts) must route exactly as openapi-backend's own: for every
 * documented path, filled with ids of several shapes, under every method, it returns the same operation or the
 * same 404/405 error.
 */
async function backend(): Promise<OpenAPIBackend> {
  const api = new OpenAPIBackend({ definition: loadDefinition(), quick: true, validate: false, ignoreTrailingSlashes: false });
  await api.init();
  return api;
}

function outcome(api: OpenAPIBackend, method: string, path: string): string {
  try {
    return api.router.matchOperation({ method, path, headers: {} }, true).operationId ?? '(no id)';
  } catch (err) {
    return (err as Error).message;
  }
}

it('routes every documented path and method as openapi-backend does', async () => {
  const library = await backend();
  const precompiled = await backend();
  precompileRouter(precompiled.router);

  const fills = ['abc', '3f0b6a0e-8a55-4c8e-9f43-1d2c3b4a5e6f', 'react-for-beginners', '42', 'a.b'];
  const paths = new Set<string>(['/', '', '/nope/', '/courses', '/courses/x/y/z/', '//courses/', '/courses//', '/health']);
  for (const op of library.router.getOperations()) {
    paths.add(op.path);
    for (const fill of fills) paths.add(op.path.replace(/\{[^}]+\}/g, fill));
    paths.add(op.path.replace(/\/$/, ''));
    paths.add(`${op.path}extra/`);
  }
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'get', ' post '];
  let compared = 0;
  for (const path of paths) {
    for (const method of methods) {
      assert.equal(outcome(precompiled, method, path), outcome(library, method, path), `${method} ${path}`);
      compared++;
    }
  }
  // Guards the test itself: the sample covered routed, 404 and 405 outcomes, not only one kind.
  const kinds = new Set([...paths].flatMap((p) => methods.map((m) => outcome(library, m, p).slice(0, 4))));
  assert.ok(kinds.has('404-') && kinds.has('405-') && kinds.size > 2, [...kinds].join(', '));
  assert.ok(compared > 1000, `compared ${compared}`);
});

it('answers getOperation and getOperations with the same operations', async () => {
  const library = await backend();
  const precompiled = await backend();
  precompileRouter(precompiled.router);
  const ops = library.router.getOperations();
  assert.deepEqual(precompiled.router.getOperations(), ops);
  for (const op of ops) assert.deepEqual(precompiled.router.getOperation(op.operationId!), op);
  assert.equal(precompiled.router.getOperation('noSuchOperation'), undefined);
});
