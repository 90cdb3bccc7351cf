import OpenAPIBackend, { type Operation } from 'openapi-backend';
import { configureAjv } from '../../src/api/ajv';
import { loadDefinition } from '../../src/api/backend';

let backend: OpenAPIBackend | undefined;

/** A validator-only openapi-backend over the same bundled document the server routes with. */
export function contract(): OpenAPIBackend {
  if (!backend) {
    // quick: the document is linted by `npm run lint:spec`; validators compile on first use.
    backend = new OpenAPIBackend({
      definition: loadDefinition(),
      strict: true,
      quick: true,
      ignoreTrailingSlashes: false,
      ajvOpts: { allErrors: true, strict: false },
      customizeAjv: (ajv) => configureAjv(ajv),
    });
    void backend.init();
  }
  return backend;
}

export function matchOperation(method: string, path: string): Operation | undefined {
  return contract().router.matchOperation({ method, path, headers: {}, query: {} }) as Operation | undefined;
}

/**
 * Throws unless `body` with `status` is what the contract documents for this request: the status must be
 * listed for the operation and a JSON body must validate against that status's schema. Requests that match
 * no operation must answer the error envelope.
 */
export function assertMatchesContract(method: string, path: string, status: number, contentType: string, body: unknown): void {
  // HEAD is the GET of the same path without its body (src/app.ts): same documented statuses, nothing to parse.
  const head = method.toUpperCase() === 'HEAD';
  const operation = matchOperation(head ? 'GET' : method, path);
  const where = `${method} ${path} → ${status}`;
  if (!operation) {
    if (status !== 404 && status !== 405 && status !== 429 && status !== 413 && status !== 415 && status !== 400) {
      throw new Error(`${where}: no operation in the contract matches this request`);
    }
    if (!head) assertEnvelope(where, body);
    return;
  }
  const responses = operation.responses ?? {};
  if (!(String(status) in responses) && !('default' in responses)) {
    throw new Error(`${where}: status ${status} is not documented for ${operation.operationId}`);
  }
  if (head || !contentType.startsWith('application/json')) return;
  const result = contract().validateResponse(body, operation, status);
  if (result.errors && result.errors.length > 0) {
    throw new Error(
      `${where}: response violates the contract for ${operation.operationId}: ${JSON.stringify(result.errors, null, 1).slice(0, 2000)}\nbody: ${JSON.stringify(body).slice(0, 1000)}`,
    );
  }
}

function assertEnvelope(where: string, body: unknown): void {
  const error = (body as { error?: { code?: unknown; message?: unknown; status?: unknown } } | undefined)?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || typeof error.status !== 'number') {
    throw new Error(`${where}: expected the error envelope, got ${JSON.stringify(body).slice(0, 500)}`);
  }
}
