import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Ajv, { type ValidateFunction } from 'ajv';
import { configureAjv } from '../../src/api/ajv';
import { at, type DocOperation, type Json, operations, pointerSegment, readBundle, resolve, response } from '../support/document';

/**
 * The contract's own quality bar, checked on the bundle the server routes with: every example validates
 * against its schema, request bodies forbid unknown properties at every level (so no client can smuggle
 * is_instructor, price, rating or helpful_count), and every operation is fully described.
 */
const doc = readBundle();
const ops = operations(doc);
const DOC_ID = 'https://learnflow.local/openapi.json';

const ajv = configureAjv(new Ajv({ strict: false, allErrors: true }));
ajv.addSchema(doc, DOC_ID);
const validators = new Map<string, ValidateFunction>();
function validatorFor(schemaPointer: string): ValidateFunction {
  let validate = validators.get(schemaPointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOC_ID}${schemaPointer}` });
    validators.set(schemaPointer, validate);
  }
  return validate;
}

interface Example {
  /** Where the example is written (JSON pointer). */
  where: string;
  value: unknown;
  /** The schema it must satisfy (JSON pointer). */
  schema: string;
}

/** The `example` and every `examples` entry of a media type, parameter or header object at `pointer`. */
function examplesOf(node: Json, pointer: string, schemaPointer: string): Example[] {
  const found: Example[] = [];
  if ('example' in node) found.push({ where: `${pointer}/example`, value: node.example, schema: schemaPointer });
  for (const [name, entry] of Object.entries((node.examples ?? {}) as Json)) {
    const resolved = resolve(doc, entry as Json);
    if ('value' in resolved)
      found.push({ where: `${pointer}/examples/${pointerSegment(name)}`, value: resolved.value, schema: schemaPointer });
  }
  return found;
}

function mediaExamples(content: Json | undefined, pointer: string): Example[] {
  return Object.entries(content ?? {}).flatMap(([type, media]) => {
    const mediaPointer = `${pointer}/content/${pointerSegment(type)}`;
    return (media as Json).schema ? examplesOf(media as Json, mediaPointer, `${mediaPointer}/schema`) : [];
  });
}

function operationExamples(op: DocOperation): Example[] {
  const found = op.parameters.flatMap(({ pointer, parameter }) => examplesOf(parameter, pointer, `${pointer}/schema`));
  if (op.operation.requestBody) {
    const raw = op.operation.requestBody as Json;
    const pointer = typeof raw.$ref === 'string' ? (raw.$ref as string) : `${op.pointer}/requestBody`;
    found.push(...mediaExamples(resolve(doc, raw).content as Json, pointer));
  }
  for (const status of Object.keys(op.operation.responses ?? {})) {
    const { pointer, response: res } = response(doc, op, status)!;
    found.push(...mediaExamples(res.content as Json, pointer));
    for (const [name, header] of Object.entries((res.headers ?? {}) as Json)) {
      const headerPointer = `${pointer}/headers/${pointerSegment(name)}`;
      found.push(...examplesOf(resolve(doc, header as Json), headerPointer, `${headerPointer}/schema`));
    }
  }
  return found;
}

/** Schema-level `example`s of the component schemas and of everything nested in them. */
function schemaExamples(schema: Json, pointer: string): Example[] {
  if (!schema || typeof schema !== 'object' || '$ref' in schema) return [];
  const found: Example[] = 'example' in schema ? [{ where: `${pointer}/example`, value: schema.example, schema: pointer }] : [];
  for (const [name, sub] of Object.entries((schema.properties ?? {}) as Json))
    found.push(...schemaExamples(sub as Json, `${pointer}/properties/${pointerSegment(name)}`));
  if (schema.items) found.push(...schemaExamples(schema.items as Json, `${pointer}/items`));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    found.push(...schemaExamples(schema.additionalProperties as Json, `${pointer}/additionalProperties`));
  }
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    for (const [i, sub] of ((schema[key] ?? []) as Json[]).entries()) found.push(...schemaExamples(sub, `${pointer}/${key}/${i}`));
  }
  return found;
}

// Shared components appear under many operations: check each written example once.
const allExamples = [
  ...ops.flatMap(operationExamples),
  ...Object.entries((doc.components?.schemas ?? {}) as Json).flatMap(([name, schema]) =>
    schemaExamples(schema as Json, `#/components/schemas/${pointerSegment(name)}`),
  ),
].filter((ex, i, list) => list.findIndex((other) => other.where === ex.where) === i);

describe('every example of the contract validates against its schema', () => {
  it('finds the examples (responses, request bodies, parameters, examples maps, schemas)', () => {
    assert.ok(allExamples.length > 250, `only ${allExamples.length} examples found: is the walk broken?`);
    assert.ok(
      allExamples.some((ex) => ex.where.includes('/requestBody/')),
      'no request-body example found',
    );
    assert.ok(
      allExamples.some((ex) => ex.where.includes('/examples/')),
      'no examples-map entry found',
    );
    assert.ok(
      allExamples.some((ex) => ex.where.includes('/parameters/')),
      'no parameter example found',
    );
  });

  it('each one is valid', () => {
    const failures = allExamples.flatMap((ex) => {
      const validate = validatorFor(ex.schema);
      return validate(ex.value) ? [] : [`${ex.where}: ${ajv.errorsText(validate.errors)}`];
    });
    assert.deepEqual(failures, []);
  });

  it('an invalid value is rejected (the check can fail)', () => {
    const validate = validatorFor('#/components/schemas/Error');
    assert.equal(validate({ error: { code: 'NO_SUCH_CODE', message: 'x', status: 404 } }), false);
    assert.equal(validate({ error: { code: 'NOT_FOUND', message: 'x', status: 404 } }), true);
  });
});

/** Every object level of a request schema: its pointer-ish location and the node. */
function objectLevels(schema: Json, where: string, seen = new Set<Json>()): { where: string; node: Json }[] {
  const node = resolve(doc, schema);
  if (!node || typeof node !== 'object' || seen.has(node)) return [];
  seen.add(node);
  const levels: { where: string; node: Json }[] = [];
  const isObject = node.type === 'object' || node.properties !== undefined;
  if (isObject) levels.push({ where, node });
  for (const [name, sub] of Object.entries((node.properties ?? {}) as Json))
    levels.push(...objectLevels(sub as Json, `${where}.${name}`, seen));
  if (node.items) levels.push(...objectLevels(node.items as Json, `${where}[]`, seen));
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    for (const [i, sub] of ((node[key] ?? []) as Json[]).entries()) levels.push(...objectLevels(sub, `${where}<${key}${i}>`, seen));
  }
  return levels;
}

// Stripe defines the webhook's event body; the server only verifies its signature and reads what it needs.
const OPEN_REQUEST_BODIES = new Set(['handleStripeWebhook']);

describe('request bodies forbid unknown properties at every object level', () => {
  const withBodies = ops.filter((op) => op.operation.requestBody && !OPEN_REQUEST_BODIES.has(op.operationId));

  it('finds the request bodies', () => {
    assert.ok(withBodies.length >= 20, `only ${withBodies.length} request bodies found`);
    const order = ops.find((op) => op.operationId === 'createOrderFromCart')!;
    const levels = objectLevels(resolve(doc, order.operation.requestBody as Json).content['application/json'].schema as Json, 'body').map(
      (l) => l.where,
    );
    assert.deepEqual(levels, ['body', 'body.billing_address'], 'nested objects are walked');
  });

  for (const op of withBodies) {
    it(op.operationId, () => {
      const content = resolve(doc, op.operation.requestBody as Json).content as Json;
      const open = Object.entries(content).flatMap(([type, media]) =>
        objectLevels((media as Json).schema as Json, `${type} body`)
          .filter(({ node }) => node.additionalProperties !== false)
          .map(({ where }) => where),
      );
      assert.deepEqual(open, [], 'these object levels accept unknown properties');
    });
  }
});

describe('every operation is fully described', () => {
  const camelCase = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;

  it('operationIds are unique', () => {
    const ids = ops.map((op) => op.operationId);
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
    );
  });

  for (const op of ops) {
    it(`${op.method.toUpperCase()} ${op.path}`, () => {
      const { operation } = op;
      assert.match(String(operation.operationId), camelCase, 'operationId must be camelCase verb+noun');
      assert.ok(typeof operation.summary === 'string' && operation.summary.trim().length > 0, 'summary is missing');
      assert.ok(
        Array.isArray(operation.tags) && operation.tags.length === 1,
        `exactly one tag expected, got ${JSON.stringify(operation.tags)}`,
      );
      assert.ok(
        Array.isArray(operation.security) || Array.isArray(doc.security),
        'no security decision (neither on the operation nor global)',
      );
      const statuses = Object.keys(operation.responses ?? {});
      assert.ok(
        statuses.some((s) => /^4\d\d$/.test(s)),
        `no 4xx response among ${statuses.join(', ')}`,
      );
    });
  }

  it('the security decisions name defined schemes', () => {
    const schemes = Object.keys((doc.components?.securitySchemes ?? {}) as Json);
    const used = ops.flatMap((op) => ((op.operation.security ?? doc.security) as Json[]).flatMap((req) => Object.keys(req)));
    assert.deepEqual(
      [...new Set(used)].filter((name) => !schemes.includes(name)),
      [],
    );
    assert.ok(at(doc, '#/components/securitySchemes/bearerAuth'));
  });
});
