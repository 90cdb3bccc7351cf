import fc from 'fast-check';
import type { Json } from '../support/document';
import { resolve } from '../support/document';

/**
 * fast-check arbitraries generated from the contract's JSON schemas: `valid` draws values the schema accepts
 * (as far as a generator can tell: patterns and formats are approximated, which only makes some "valid" draws
 * invalid, never hides a 5xx), `invalid` draws values that break one rule of it. Both are bounded (short
 * strings and arrays, shallow nesting) so that thousands of requests fit in a test file's minute.
 */
export interface Pools {
  /** Real values by field or parameter name (`course_id` → ids of rows that exist), drawn half of the time. */
  [name: string]: readonly string[] | undefined;
}

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'null',
  'undefined',
  '0',
  '-1',
  '1e300',
  'NaN',
  'Infinity',
  '💥',
  'ñ'.repeat(3),
  '\u202e',
  '\ud800',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '../../etc/passwd',
  '%00',
  '%',
  '{}',
  '[]',
  'true',
  '__proto__',
  'constructor',
  '9'.repeat(40),
  'a'.repeat(5000),
  '\n\r\t',
  '\\',
];

const MAX_EXTRA_ITEMS = 4;

function stringFor(schema: Json): fc.Arbitrary<string> {
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = Math.min((schema.maxLength as number | undefined) ?? min + 40, min + 40);
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress().filter((e) => e.length <= ((schema.maxLength as number | undefined) ?? 254));
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'uri':
      return fc.webUrl({ validSchemes: ['http', 'https'] }).filter((u) => u.length <= ((schema.maxLength as number | undefined) ?? 2048));
    default:
  }
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern as string, 'u');
    const examples = [schema.example].filter((e): e is string => typeof e === 'string');
    const matching = fc
      .stringMatching(pattern)
      .filter((s) => s.length >= min && s.length <= ((schema.maxLength as number | undefined) ?? 10_000));
    return examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), matching) : matching;
  }
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: max }) },
      { weight: 1, arbitrary: fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }) },
      { weight: 1, arbitrary: fc.string({ minLength: min, maxLength: max, unit: 'binary' }) },
    )
    .filter((s) => [...s].length >= min && (schema.minLength === undefined || s.trim().length > 0 || min === 0));
}

function numberFor(schema: Json, integer: boolean): fc.Arbitrary<number> {
  const lo =
    (schema.minimum as number | undefined) ??
    (schema.exclusiveMinimum === undefined ? -1_000_000 : (schema.exclusiveMinimum as number) + 1);
  const hi =
    (schema.maximum as number | undefined) ?? (schema.exclusiveMaximum === undefined ? 1_000_000 : (schema.exclusiveMaximum as number) - 1);
  if (integer) return fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) });
  // Amounts carry at most two decimals: draw cents.
  return fc.integer({ min: Math.ceil(lo * 100), max: Math.floor(hi * 100) }).map((c) => c / 100);
}

/** A value `schema` accepts; `name` is the field or parameter it is for (to draw real ids from `pools`). */
export function valid(doc: Json, node: Json, pools: Pools, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, node);
  const real = name ? pools[name] : undefined;
  const own = validOwn(doc, schema, pools, depth);
  const withReal = real && real.length > 0 ? fc.oneof(fc.constantFrom(...real), own) : own;
  return schema.nullable ? fc.oneof({ weight: 5, arbitrary: withReal }, { weight: 1, arbitrary: fc.constant(null) }) : withReal;
}

function validOwn(doc: Json, schema: Json, pools: Pools, depth: number): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.allOf)) return valid(doc, merge(doc, schema.allOf as Json[]), pools, undefined, depth);
  const alternatives = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valid(doc, s, pools, undefined, depth)));
  switch (schema.type) {
    case 'string':
      return stringFor(schema);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const minLength = (schema.minItems as number | undefined) ?? 0;
      const maxLength = Math.min((schema.maxItems as number | undefined) ?? minLength + MAX_EXTRA_ITEMS, minLength + MAX_EXTRA_ITEMS);
      const items = valid(doc, (schema.items ?? {}) as Json, pools, undefined, depth + 1);
      return schema.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { minLength, maxLength });
    }
    default: {
      const properties = (schema.properties ?? {}) as Record<string, Json>;
      if (Object.keys(properties).length === 0)
        return depth > 2
          ? fc.constant({})
          : fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), { maxKeys: 3 });
      const model = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, valid(doc, s, pools, k, depth + 1)]));
      const required = ((schema.required ?? []) as string[]).filter((k) => k in model);
      const record = fc.record(model, { requiredKeys: required });
      const minProperties = (schema.minProperties as number | undefined) ?? 0;
      return minProperties > 0 ? record.filter((o) => Object.keys(o).length >= minProperties) : record;
    }
  }
}

function merge(doc: Json, parts: Json[]): Json {
  const out: Json = {};
  for (const part of parts.map((p) => resolve(doc, p))) {
    Object.assign(out, {
      ...part,
      properties: { ...(out.properties ?? {}), ...(part.properties ?? {}) },
      required: [...(out.required ?? []), ...(part.required ?? [])],
    });
  }
  delete out.allOf;
  return out;
}

/** A value of the wrong kind for almost any schema: other types, junk strings, extremes. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...NASTY_STRINGS, null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, [], {}, [null], { '': '' }),
  fc.string({ maxLength: 30, unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);

/** A string that breaks one rule of a string schema (or any junk). */
function invalidString(schema: Json): fc.Arbitrary<unknown> {
  const breaks: fc.Arbitrary<unknown>[] = [junk];
  if (schema.maxLength !== undefined) breaks.push(fc.constant('x'.repeat((schema.maxLength as number) + 1)));
  if (schema.minLength) breaks.push(fc.constant(''.padEnd((schema.minLength as number) - 1, 'x')));
  if (schema.format || schema.pattern)
    breaks.push(fc.constantFrom('not-a-valid-value', 'javascript:alert(1)', '/relative', '00000000-0000-0000-0000-00000000000g'));
  return fc.oneof(...breaks);
}

/** A value that breaks `node` in one way: wrong type, out of range, too long, too many items, a required field dropped, an unknown one added. */
export function invalid(doc: Json, node: Json, pools: Pools): fc.Arbitrary<unknown> {
  const schema = resolve(doc, node);
  switch (schema.type) {
    case 'string':
      return invalidString(schema);
    case 'integer':
    case 'number':
      return fc.oneof(
        junk,
        fc.constantFrom<unknown>(
          ((schema.maximum as number) ?? 1e9) + 1,
          ((schema.minimum as number) ?? -1e9) - 1,
          0.001,
          1e300,
          -0,
          '12',
          '1e3',
        ),
      );
    case 'array': {
      const items = valid(doc, (schema.items ?? {}) as Json, pools);
      const tooMany =
        schema.maxItems !== undefined
          ? fc.array(items, { minLength: (schema.maxItems as number) + 1, maxLength: (schema.maxItems as number) + 1 })
          : fc.array(items, { maxLength: 2 });
      return fc.oneof(junk, tooMany, fc.array(invalid(doc, (schema.items ?? {}) as Json, pools), { minLength: 1, maxLength: 2 }));
    }
    default:
  }
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const names = Object.keys(properties);
  if (names.length === 0) return junk;
  const base = valid(doc, schema, pools) as fc.Arbitrary<Record<string, unknown>>;
  return fc.oneof(
    junk,
    // One field broken, the others valid.
    fc
      .tuple(base, fc.constantFrom(...names))
      .chain(([obj, key]) => invalid(doc, properties[key] as Json, pools).map((bad) => ({ ...obj, [key]: bad }))),
    // A required field left out.
    base.chain((obj) => {
      const required = ((schema.required ?? []) as string[]).filter((k) => k in obj);
      return required.length === 0
        ? fc.constant({ ...obj, unexpected_field: 1 })
        : fc.constantFrom(...required).map((k) => Object.fromEntries(Object.entries(obj).filter(([name]) => name !== k)));
    }),
    // A field the contract does not know, privileged-sounding or odd.
    fc
      .tuple(base, fc.constantFrom('is_instructor', 'price', 'rating', 'id', 'user_id', 'status', '__proto__', 'constructor', ''), junk)
      .map(([obj, key, value]) => {
        const out: Record<string, unknown> = { ...obj };
        Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
        return out;
      }),
  );
}
