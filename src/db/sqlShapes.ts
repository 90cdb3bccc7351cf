import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from './knex';
import { type PooledConnection, runOn } from './pooledQuery';

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

/**
 * How many shapes the process keeps built. The fixed reads are a few dozen, but the catalog's statements are one
 * shape per combination of filters and ordering (tens of thousands, though few are ever used): past the bound the
 * oldest is dropped, and built again should it come back.
 */
const SHAPES_KEPT = 512;

/** Map.set that first drops the oldest entry of a map holding `bound` of them. */
function remember<V>(map: Map<string, V>, key: string, value: V, bound: number): V {
  if (map.size >= bound) map.delete(map.keys().next().value as string);
  map.set(key, value);
  return value;
}

const shapes = new Map<string, Shape>();

function shapeOf(key: string, build: () => Knex.QueryBuilder | Knex.Raw): Shape {
  return shapes.get(key) ?? remember(shapes, key, compile(build), SHAPES_KEPT);
}

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
  const shape = shapeOf(key, build);
  const values = shape.bindings.map((b) => ('param' in b ? params[b.param] : b.value));
  const { rows } = (await db.raw(shape.sql, values as Knex.RawBinding[])) as { rows: T[] };
  return rows;
}

interface PooledClient extends PooledConnection {
  __knexUid?: string;
  /** knex's mark for a connection its pool must destroy instead of reusing. */
  __knex__disposed?: unknown;
}

interface KnexClient {
  acquireConnection(): Promise<PooledClient>;
  releaseConnection(connection: PooledClient): Promise<unknown>;
  positionBindings(sql: string): string;
  emit(event: string, ...args: unknown[]): boolean;
}

/**
 * Per shape, worked out once: its text with PostgreSQL's $n placeholders (as knex's client does per call), and its
 * prepared-statement name, a hash of key and text under PostgreSQL's 63-byte limit on names.
 */
const statements = new Map<string, { text: string; name: string }>();

// PostgreSQL refuses a prepared statement whose result columns changed under it (a migration while the process
// runs) with this message, under the broader code 0A000 (feature_not_supported).
const isStalePlan = (err: unknown): boolean =>
  (err as { code?: string }).code === '0A000' && String((err as Error).message).includes('cached plan must not change result type');
let statementCount = 0;

/**
 * runShape for a read outside a transaction, without knex's per-statement machinery: the statement goes to a
 * connection of knex's own pool (same acquire timeout, same connections, same type parsers) as the text knex would
 * send. Under the course page's load, knex's runner (raw re-parsed for `?`, placeholders renumbered by regular
 * expression, the runner and its promise chain, tarn's pending operation) took about as much CPU as the pg driver's
 * own work for these statements. The `query` / `query-response` / `query-error` events are still emitted on the
 * knex instance with the fields knex gives them, so whatever listens there (the bench's capture, tests) sees
 * the same statements; a failure carries knex's `<sql> - <message>` prefix. Inside a transaction the statement
 * must run on the transaction's connection: that goes through runShape.
 *
 * `prepare: false` sends the text unnamed, planned for its values every time: for a shape whose best plan depends on
 * them. PostgreSQL switches a prepared statement to a generic plan, made without the values, when its estimated
 * cost is no worse than the custom plans', and those estimates go wrong for selective filters (see catalogShape in
 * src/repositories/courseSearch.ts).
 */
export async function runReadShape<T>(
  db: Db,
  key: string,
  build: () => Knex.QueryBuilder | Knex.Raw,
  params: Record<string, unknown>,
  prepare = true,
): Promise<T[]> {
  if (db.isTransaction) return runShape<T>(db, key, build, params);
  const shape = shapeOf(key, build);
  const client = db.client as unknown as KnexClient;
  let statement = statements.get(key);
  if (statement === undefined) {
    const text = client.positionBindings(shape.sql);
    const name = `lf_${createHash('sha256').update(`${key}\0${text}`).digest('hex').slice(0, 40)}`;
    statement = remember(statements, key, { text, name }, SHAPES_KEPT);
  }
  const { text, name } = statement;
  const values = shape.bindings.map((b) => ('param' in b ? params[b.param] : b.value));
  // knex refuses an undefined binding (an error, not a NULL): its own path answers that as it always has.
  if (values.includes(undefined)) return runShape<T>(db, key, build, params);
  const connection = await client.acquireConnection();
  const event = {
    __knexUid: connection.__knexUid,
    __knexTxId: undefined,
    __knexQueryUid: `shape-${++statementCount}`,
    method: 'raw',
    sql: text,
    bindings: values,
    options: {},
  };
  // knex forwards its client's events to the instance: with nobody listening there (production), skip building them.
  const observed = db.listenerCount('query') + db.listenerCount('query-response') + db.listenerCount('query-error') > 0;
  try {
    if (observed) client.emit('query', event);
    let result: { rows: unknown[] };
    try {
      // A named statement: each pooled connection parses and plans the shape once (pg remembers which names it has
      // prepared) and then only binds and executes it. For these short reads parsing and planning were most of
      // PostgreSQL's work: in the bench the course page's PostgreSQL time per request fell to 0.4 x the floor's,
      // which runs the same text unprepared. The prepared shapes are a fixed set (one per call site, no client
      // input in a key), so each connection holds a few dozen.
      result = await runOn(connection, prepare ? { name, text, values } : { text, values });
    } catch (err) {
      if (isStalePlan(err)) {
        // The schema moved under this connection's prepared statement: answer with the plain text, and have the
        // pool replace the connection, whose prepared statements all predate the change.
        connection.__knex__disposed = err;
        result = await runOn(connection, { text, values });
        if (observed) client.emit('query-response', result, event, undefined);
        return result.rows as T[];
      }
      if (err instanceof Error) err.message = `${text} - ${err.message}`;
      if (observed) client.emit('query-error', err, event);
      throw err;
    }
    if (observed) client.emit('query-response', result, event, undefined);
    return result.rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}
