import assert from 'node:assert/strict';
import { it } from 'node:test';
import { genericStatuses } from '../../scripts/document-generic-responses';
import { operations, readBundle } from '../support/document';

/**
 * The statuses any operation can answer before its handler runs (400, 401, 404, 413, 415, 422, 429: see
 * scripts/document-generic-responses.ts) are documented on every operation; run that script to add them.
 */
it('every operation documents every status the server can answer for it', () => {
  const doc = readBundle();
  const missing: string[] = [];
  for (const op of operations(doc)) {
    const statuses = genericStatuses({
      method: op.method,
      security: op.operation.security as unknown[] | undefined,
      hasPathParameters: op.parameters.some((p) => p.parameter.in === 'path'),
    });
    for (const status of statuses) if (!(String(status) in op.operation.responses)) missing.push(`${op.operationId} ${status}`);
  }
  assert.deepEqual(missing, [], 'run `npx tsx scripts/document-generic-responses.ts && npm run generate`');
});
