import type { Operation, OpenAPIRouter, Request } from 'openapi-backend';

/** The operation for a normalized path (see contractPipeline.ts) and lowercase method, or why there is none. */
export type OperationMatcher = (path: string, method: string) => Operation | '404' | '405';

interface TemplatedRoute {
  pattern: RegExp;
  /** Length of the path without its `{param}` parts: the more literal characters, the more specific. */
  specificity: number;
  operation: Operation;
}

/**
 * openapi-backend's router rebuilds its flat list of every operation (a lodash chain copying each operation
 * object) several times per request, and compiles a RegExp per templated path per request (profiled in issue 13:
 * the largest framework cost of a cheap request). The contract does not change after start-up, so this computes
 * both once and replaces the router's lookups with ones that give the same answers: the same operation objects,
 * the same exact-path-first rule, the same specificity order for templates, the same 404/405 errors.
 * test/http/precompiled-router.test.ts checks the answers against the library's own for every documented path.
 */
export function precompileRouter(router: OpenAPIRouter): OperationMatcher {
  const operations = router.getOperations();
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  const exact = new Map<string, Operation[]>();
  for (const op of operations) exact.set(op.path, [...(exact.get(op.path) ?? []), op]);
  const templated: TemplatedRoute[] = operations
    .map((operation) => ({
      pattern: new RegExp(templateToPattern(operation.path)),
      specificity: operation.path.replace(/\{.*?\}/g, '').length,
      operation,
    }))
    // Array.prototype.sort is stable, as lodash's orderBy is: equal specificity keeps document order.
    .sort((a, b) => b.specificity - a.specificity);

  // Private in the typings, public at run time; the apiRoot rule stays the library's.
  const isUnderApiRoot = (path: string): boolean => (router as unknown as { isUnderApiRoot(path: string): boolean }).isUnderApiRoot(path);
  router.getOperations = () => operations;
  router.getOperation = (operationId: string) => byId.get(operationId);
  const match: OperationMatcher = (path, method) => {
    const exactMatch = exact.get(path)?.find((op) => op.method === method);
    if (exactMatch) return exactMatch;
    let pathMatched = false;
    for (const route of templated) {
      if (!route.pattern.test(path)) continue;
      if (route.operation.method === method) return route.operation;
      pathMatched = true;
    }
    return pathMatched ? '405' : '404';
  };
  router.matchOperation = ((req: Request, strict?: boolean) => {
    const normalized = router.normalizeRequest(req);
    const found = isUnderApiRoot(normalized.path) ? match(router.normalizePath(normalized.path), normalized.method) : '404';
    if (typeof found !== 'string') return found;
    if (strict) {
      throw new Error(
        found === '404' ? '404-notFound: no route matches request' : '405-methodNotAllowed: this method is not registered for the route',
      );
    }
    return undefined;
  }) as OpenAPIRouter['matchOperation'];
  return match;
}

/** openapi-backend's own conversion: `{param}` matches one path segment, the literal parts match themselves. */
function templateToPattern(path: string): string {
  const literal = path.split(/\{[^}]+\}/g).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `^${literal.join('[^/]+')}$`;
}
