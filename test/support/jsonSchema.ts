import { type Json, resolve } from './document';

/** The formats Dredd's validator (gavel, on ajv 6) knows; it throws on any other, so those are dropped. */
const GAVEL_FORMATS = new Set([
  'date',
  'time',
  'date-time',
  'uri',
  'uri-reference',
  'url',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'regex',
  'uuid',
]);
/** OpenAPI-only keywords that are not JSON Schema. */
const DROPPED = new Set([
  'example',
  'examples',
  'nullable',
  'discriminator',
  'readOnly',
  'writeOnly',
  'xml',
  'externalDocs',
  'deprecated',
  'description',
  'title',
]);

/**
 * An OpenAPI 3.0 schema of the bundle as a self-contained JSON Schema draft-07 for Dredd's
 * `transaction.expected.bodySchema` (its OpenAPI 3 parser drops the response schemas): `$ref`s inlined,
 * `nullable: true` turned into a `null` type, OpenAPI-only keywords and unknown formats removed.
 */
export function toJsonSchema(doc: Json, schema: Json): Json {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...convert(doc, schema, []) };
}

function convert(doc: Json, node: Json, stack: string[]): Json {
  if (typeof node.$ref === 'string') {
    const ref = node.$ref as string;
    if (stack.includes(ref)) throw new Error(`Recursive schema ${ref}: not supported for Dredd`);
    return convert(doc, resolve(doc, node), [...stack, ref]);
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    if (key === 'format' && !GAVEL_FORMATS.has(value as string)) continue;
    if (key === 'properties')
      out.properties = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, convert(doc, v as Json, stack)]));
    else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object') || key === 'not')
      out[key] = convert(doc, value as Json, stack);
    else if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') out[key] = (value as Json[]).map((v) => convert(doc, v, stack));
    else out[key] = value;
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}
