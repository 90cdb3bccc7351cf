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
  body?: unknown;
}

export interface Statement {
  sql: string;
  bindings: unknown[];
}

/** Statements run one after another on one connection: one query, or a whole transaction. */
export interface Unit {
  tx: boolean;
  statements: Statement[];
}

/** Units LearnFlow ran concurrently (Promise.all); steps run one after another. */
export type Plan = Unit[][];

export interface Captured {
  status: number;
  body: string;
  plan: Plan;
  /** LearnFlow's pool size as bootstrap configured it: the baseline's pool gets the same. */
  poolMax: number;
}

interface Seen {
  uid: string;
  tx: string | undefined;
  sql: string;
  bindings: unknown[];
  start: number;
  end: number;
}

/**
 * Groups the statements as LearnFlow ran them: a transaction's statements form one unit; a unit that started
 * before every unit of the current step had finished ran concurrently with them (same step), one that started
 * after one of them finished waited for it (next step).
 */
export function buildPlan(seen: Seen[]): Plan {
  const units: Array<{ tx: string | undefined; statements: Statement[]; start: number; end: number }> = [];
  const byTx = new Map<string, (typeof units)[number]>();
  for (const s of [...seen].sort((a, b) => a.start - b.start)) {
    const statement = { sql: s.sql, bindings: s.bindings };
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
      plan.push(step.map((u) => ({ tx: u.tx !== undefined, statements: u.statements })));
      step = [];
    }
    step.push(unit);
  }
  if (step.length > 0) plan.push(step.map((u) => ({ tx: u.tx !== undefined, statements: u.statements })));
  return plan;
}

async function main(): Promise<void> {
  const [requestFile, outFile] = process.argv.slice(2);
  const request = JSON.parse(fs.readFileSync(requestFile!, 'utf8')) as BenchRequest;
  const deps = buildDeps(loadConfig());
  const server = http.createServer(createApp(deps));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const seen = new Map<string, Seen>();
  let recording = false;
  type QueryData = { __knexQueryUid?: string; __knexTxId?: string; sql: string; bindings?: unknown[] };
  deps.db.on('query', (q: QueryData) => {
    if (!recording) return;
    const now = performance.now();
    // A transaction's BEGIN and COMMIT come without a query uid (and without a response event): keyed apart.
    const uid = q.__knexQueryUid ?? `control-${seen.size}`;
    seen.set(uid, { uid, tx: q.__knexTxId, sql: q.sql, bindings: q.bindings ?? [], start: now, end: now });
  });
  const finished = (_response: unknown, q: QueryData): void => {
    const s = q.__knexQueryUid ? seen.get(q.__knexQueryUid) : undefined;
    if (s) s.end = performance.now();
  };
  deps.db.on('query-response', finished);
  deps.db.on('query-error', (_err: unknown, q: QueryData) => finished(undefined, q));
  try {
    const port = (server.address() as AddressInfo).port;
    // A warm pool, as under load: with a cold one, the second of two concurrent queries would wait for a new
    // connection and look sequential.
    const poolMax = (deps.db.client as { config: { pool?: { max?: number } } }).config.pool?.max ?? 0;
    await Promise.all(Array.from({ length: Math.max(2, poolMax) }, () => deps.db.raw('SELECT 1')));
    recording = true;
    const res = await fetch(`http://127.0.0.1:${port}${request.path}`, {
      method: request.method,
      headers: { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const body = await res.text();
    recording = false;
    const captured: Captured = { status: res.status, body, plan: buildPlan([...seen.values()]), poolMax };
    fs.writeFileSync(outFile!, JSON.stringify(captured));
  } finally {
    server.close();
    await closeDeps(deps);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
