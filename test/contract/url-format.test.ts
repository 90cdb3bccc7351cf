import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type Json, operations, readBundle, resolve } from '../support/document';

/**
 * Every URL a client can send goes through the one HttpUrl format (absolute http(s) only): a new URL field
 * written as a bare `format: uri` would let `javascript:` through again, so it fails here.
 */
const doc = readBundle();
const httpUrl = doc.components.schemas.HttpUrl as Json;

function bareUriFields(node: Json | undefined, where: string, seen: Set<Json>, found: string[]): void {
  if (!node || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  const schema = resolve(doc, node);
  if (schema.format === 'uri' && schema.pattern !== httpUrl.pattern) found.push(where);
  for (const [name, child] of Object.entries((schema.properties ?? {}) as Json))
    bareUriFields(child as Json, `${where}.${name}`, seen, found);
  if (schema.items) bareUriFields(schema.items as Json, `${where}[]`, seen, found);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const)
    for (const sub of (schema[key] ?? []) as Json[]) bareUriFields(sub, where, seen, found);
}

it('every URL field of every request body is an HttpUrl', () => {
  const found: string[] = [];
  for (const op of operations(doc)) {
    const body = op.operation.requestBody ? resolve(doc, op.operation.requestBody as Json) : undefined;
    bareUriFields(body?.content?.['application/json']?.schema as Json | undefined, op.operationId, new Set(), found);
  }
  assert.deepEqual(found, []);
  assert.doesNotMatch('javascript:alert(1)', new RegExp(httpUrl.pattern as string, 'u'));
  assert.match('https://cdn.example.com/a.png', new RegExp(httpUrl.pattern as string, 'u'));
});
