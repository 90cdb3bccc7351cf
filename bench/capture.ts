import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app';
import { buildDeps, closeDeps } from '../src/bootstrap';
import { loadConfig } from '../src/config';

/**
 * The SQL LearnFlow runs for one request, captured from knex's own events on an in-process LearnFlow (the
 * code as it is at bench time, never retyped). Run as a child process per scenario (`node --import tsx
 * bench/capture.ts <request.json> <out.json>`) with a Redis prefix of its own, so the request is cold: no
 * in-process or Redis-held cache a previous request filled can spare it a statement, and the baseline replays
 * the uncached work.
 */

export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
  /** In a sequence: body fields taken from the previous response's JSON (field → its field). */
  bodyFromPrevious?: Record<string, string>;
}

export interface Statement {
  sql: string;
  bindings: unknown[];
  /** The rows LearnFlow got back (JSON form), so a replay can tell which of its values stand for which. */
  rows?: unknown[];
}

/** A call LearnFlow made to Stripe, as sent on the wire, and what came back. */
export interface StripeCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  response: unknown;
}

/** Statements run one after another on one connection: one query, or a whole transaction; or one Stripe call. */
export interface Unit {
  tx: boolean;
  statements: Statement[];
  stripe?: StripeCall;
}

/** Units LearnFlow ran concurrently (Promise.all); steps run one after another. */
export type Plan = Unit[][];

export interface Captured {
  status: number;
  body: string;
  plan: Plan;
  /** LearnFlow's pool size as bootstrap configured it: the baseline's pool gets the same. */
  poolMax: number;
  /** The body sent (a sequence fills fields from the previous response). */
  requestBody?: Record<string, unknown>;
}

interface Seen {
  uid: string;
  tx: string | undefined;
  sql: string;
  bindings: unknown[];
  rows?: unknown[];
  stripe?: StripeCall;
  start: number;
  end: number;
}

/**
 * Groups the statements as LearnFlow ran them: a transaction's statements form one unit; a unit that started
 * before every unit of the current step had finished ran concurrently with them (same step), one that started
 * after one of them finished waited for it (next step).
 */
const toUnit = (u: { tx: string | undefined; statements: Statement[]; stripe?: StripeCall }): Unit => ({
  tx: u.tx !== undefined,
  statements: u.statements,
  ...(u.stripe ? { stripe: u.stripe } : {}),
});

/** knex's answer (rows, one row, a pg result, a count) as rows in JSON form. */
function rowsOf(response: unknown): unknown[] | undefined {
  if (Array.isArray(response)) return JSON.parse(JSON.stringify(response)) as unknown[];
  if (response && typeof response === 'object') {
    const r = response as { rows?: unknown[] };
    return JSON.parse(JSON.stringify(Array.isArray(r.rows) ? r.rows : [response])) as unknown[];
  }
  return undefined;
}

/**
 * A proxy between LearnFlow and the Stripe test server that records each call as sent (the replay sends it raw).
 */
async function stripeRecorder(
  target: { host: string; port: number },
  record: (call: StripeCall, start: number) => void,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type', 'idempotency-key', 'stripe-version']) {
        const v = req.headers[name];
        if (typeof v === 'string') headers[name] = v;
      }
      const out = http.request({ host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        const back: Buffer[] = [];
        up.on('data', (c: Buffer) => back.push(c));
        up.on('end', () => {
          const text = Buffer.concat(back).toString('utf8');
          record({ method: req.method!, path: req.url!, headers, body, response: JSON.parse(text) as unknown }, start);
          res.writeHead(up.statusCode!, up.headers).end(text);
        });
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export function buildPlan(seen: Seen[]): Plan {
  const units: Array<{ tx: string | undefined; statements: Statement[]; start: number; end: number; stripe?: StripeCall }> = [];
  const byTx = new Map<string, (typeof units)[number]>();
  for (const s of [...seen].sort((a, b) => a.start - b.start)) {
    const statement: Statement = { sql: s.sql, bindings: s.bindings, ...(s.rows ? { rows: s.rows } : {}) };
    if (s.stripe) {
      units.push({ tx: undefined, statements: [], start: s.start, end: s.end, stripe: s.stripe });
      continue;
    }
    const open = s.tx ? byTx.get(s.tx) : undefined;
    if (open) {
      open.statements.push(statement);
      open.end = Math.max(open.end, s.end);
      continue;
    }
    const unit = { tx: s.tx, statements: [statement], start: s.start, end: s.end };
    if (s.tx) byTx.set(s.tx, unit);
    units.push(unit);
  }
  const plan: Plan = [];
  let step: typeof units = [];
  for (const unit of units) {
    if (step.length > 0 && unit.start >= Math.min(...step.map((u) => u.end))) {
      plan.push(step.map(toUnit));
      step = [];
    }
    step.push(unit);
  }
  if (step.length > 0) plan.push(step.map(toUnit));
  return plan;
}

async function main(): Promise<void> {
  const [requestFile, outFile] = process.argv.slice(2);
  const spec = JSON.parse(fs.readFileSync(requestFile!, 'utf8')) as BenchRequest | BenchRequest[];
  const requests = Array.isArray(spec) ? spec : [spec];
  let seen = new Map<string, Seen>();
  let recording = false;
  const base = loadConfig();
  const recorder = await stripeRecorder({ host: base.stripe.host ?? '127.0.0.1', port: base.stripe.port ?? 12111 }, (call, start) => {
    if (recording)
      seen.set(`stripe-${seen.size}`, { uid: '', tx: undefined, sql: '', bindings: [], stripe: call, start, end: performance.now() });
  });
  const deps = buildDeps(
    loadConfig({ ...process.env, STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: String((recorder.address() as AddressInfo).port) }),
  );
  const server = http.createServer(createApp(deps));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  type QueryData = { __knexQueryUid?: string; __knexTxId?: string; sql: string; bindings?: unknown[] };
  deps.db.on('query', (q: QueryData) => {
    if (!recording) return;
    const now = performance.now();
    // A transaction's BEGIN and COMMIT come without a query uid (and without a response event): keyed apart.
    const uid = q.__knexQueryUid ?? `control-${seen.size}`;
    seen.set(uid, { uid, tx: q.__knexTxId, sql: q.sql, bindings: q.bindings ?? [], start: now, end: now });
  });
  const finished = (response: unknown, q: QueryData): void => {
    const s = q.__knexQueryUid ? seen.get(q.__knexQueryUid) : undefined;
    if (!s) return;
    s.end = performance.now();
    s.rows = rowsOf(response);
  };
  deps.db.on('query-response', finished);
  deps.db.on('query-error', (_err: unknown, q: QueryData) => finished(undefined, q));
  try {
    const port = (server.address() as AddressInfo).port;
    // A warm pool, as under load: with a cold one, the second of two concurrent queries would wait for a new
    // connection and look sequential.
    const poolMax = (deps.db.client as { config: { pool?: { max?: number } } }).config.pool?.max ?? 0;
    await Promise.all(Array.from({ length: Math.max(2, poolMax) }, () => deps.db.raw('SELECT 1')));
    const out: Captured[] = [];
    let previous: Record<string, unknown> = {};
    for (const request of requests) {
      const body = { ...request.body };
      for (const [field, from] of Object.entries(request.bodyFromPrevious ?? {})) body[field] = previous[from];
      seen = new Map();
      recording = true;
      const res = await fetch(`http://127.0.0.1:${port}${request.path}`, {
        method: request.method,
        headers: { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
        body: request.body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      recording = false;
      previous = text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {};
      out.push({
        status: res.status,
        body: text,
        plan: buildPlan([...seen.values()]),
        poolMax,
        requestBody: request.body ? body : undefined,
      });
    }
    fs.writeFileSync(outFile!, JSON.stringify(Array.isArray(spec) ? out : out[0]));
  } finally {
    server.close();
    recorder.close();
    await closeDeps(deps);
  }
}

if (require.main === module) {
  // Exit once the capture is written: on a busy machine a Redis command that timed out can leave ioredis's
  // quit() pending, and the bench would wait for this child forever.
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
