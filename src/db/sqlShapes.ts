import type { Knex } from 'knex';
import type { Db } from './knex';

/**
 * SQL built once per query shape. knex's builder assembles and compiles the same text on every request of a hot
 * read (a CPU profile of the catalog put it above the pg driver's own work); here the builder runs once per shape,
 * with a marker in place of each parameter, so the text is exactly what knex would send, and later requests run
 * it as a raw statement with their own values. A binding that is not a marker is a constant of the shape: the key
 * must tell such shapes apart (and does, at each call site).
 */
interface Shape {
  sql: string;
  /** Per binding: the parameter's name, or the constant itself. */
  bindings: Array<{ param: string } | { value: unknown }>;
}

const MARK = '\u0001shape-param:';
const shapes = new Map<string, Shape>();

/** The marker standing for a parameter while the shape is built. */
export const param = (name: string): string => `${MARK}${name}`;

// knex takes only numbers for limit and offset: their markers are integers from a range no constant uses.
const intMarks = new Map<number, string>();
const intNames = new Map<string, number>();

/** The marker of an integer parameter (limit, offset). */
export function intParam(name: string): number {
  let mark = intNames.get(name);
  if (mark === undefined) {
    mark = 1_999_000_000 + intNames.size;
    intNames.set(name, mark);
    intMarks.set(mark, name);
  }
  return mark;
}

function nameOf(binding: unknown): string | undefined {
  if (typeof binding === 'string' && binding.startsWith(MARK)) return binding.slice(MARK.length);
  return typeof binding === 'number' ? intMarks.get(binding) : undefined;
}

function compile(build: () => Knex.QueryBuilder | Knex.Raw): Shape {
  const { sql, bindings } = build().toSQL();
  return {
    sql,
    bindings: bindings.map((b) => {
      const name = nameOf(b);
      return name === undefined ? { value: b } : { param: name };
    }),
  };
}

/** Runs the shape `key` (built by `build` the first time) with these parameter values; resolves to its rows. */
export async function runShape<T>(
  db: Db,
  key: string,
  build: () => Knex.QueryBuilder | Knex.Raw,
  params: Record<string, unknown>,
): Promise<T[]> {
  let shape = shapes.get(key);
  if (!shape) {
    shape = compile(build);
    shapes.set(key, shape);
  }
  const values = shape.bindings.map((b) => ('param' in b ? params[b.param] : b.value));
  const { rows } = (await db.raw(shape.sql, values as Knex.RawBinding[])) as { rows: T[] };
  return rows;
}
