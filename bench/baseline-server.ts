import fs from 'node:fs';
import http from 'node:http';
import pg from 'pg';
import type { Plan, StripeCall } from './capture';
import { catalogFacets, courseDetail, courseListItem } from '../src/presenters/courses';
import type { FacetRow } from '../src/repositories/courseSearch';
import type { CourseDetailRow, CourseListRow, InstructorStats } from '../src/repositories/courses';
import type { CurriculumRow } from '../src/repositories/curriculum';
import type { ReviewRow } from '../src/repositories/reviews';
import { NO_FLAGS, type ViewerCourseState, type ViewerFlags } from '../src/repositories/viewerState';
import { type InsightShape, insightBody } from './insightBodies';
import { need, type Result, rowsWith } from './rows';

/**
 * The bench's floor: a bare node:http + pg server answering the measured requests with exactly the SQL LearnFlow
 * ran for them (bench/capture.ts records it from knex's events at bench time; nothing here is retyped), on a pool
 * of LearnFlow's size, in the same steps (what LearnFlow ran concurrently runs concurrently here; a transaction
 * runs on one connection). The body is shaped by LearnFlow's own pure presenters (src/presenters/courses.ts:
 * catalogFacets, courseListItem, courseDetail; src/presenters/insights.ts via bench/insightBodies.ts) plus a few
 * hand-written lines for the page envelope and links, so the bench can check it is byte-identical to LearnFlow's
 * before measuring. No routing framework, validation,
 * authentication (the token is not verified), logging, rate limit or ETag: that is the difference measured.
 *
 *   BASELINE_PORT, DATABASE_URL (with its application_name), BASELINE_POOL_MAX, BASELINE_PLANS (a JSON file of
 *   BaselineRoute), PUBLIC_BASE_URL (for the page links)
 */

export interface BaselineRoute {
  method: string;
  /** The request path with its query, as the bench sends it. */
  url: string;
  authorization?: string;
  /**
   * Which shaping builds the body from the rows; `replay` (checkout) substitutes the values of this request into
   * LearnFlow's captured statements, Stripe call and body (see replay()).
   */
  shape: 'listCourses' | 'getCourse' | 'replay' | InsightShape;
  viewerId: string | null;
  plan: Plan;
  /** replay: LearnFlow's status and body for the captured request, the body it was sent, and its user. */
  status?: number;
  body?: string;
  requestBody?: Record<string, unknown>;
  userId?: string;
}

// As src/db/knex.ts: bigint and numeric parsed to numbers, so presenters see the same row values.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

async function runPlan(pool: pg.Pool, plan: Plan): Promise<Result[]> {
  const results: Result[] = [];
  for (const step of plan) {
    const done = await Promise.all(
      step.map(async (unit) => {
        if (!unit.tx && unit.statements.length === 1) {
          const s = unit.statements[0]!;
          return [await pool.query(s.sql, s.bindings)];
        }
        const client = await pool.connect();
        try {
          const out: Result[] = [];
          // Should knex's BEGIN ever be missing from the capture, the unit is still one transaction.
          if (unit.tx && !/^\s*(begin|start transaction)/i.test(unit.statements[0]?.sql ?? '')) await client.query('BEGIN');
          for (const s of unit.statements) out.push(await client.query(s.sql, s.bindings));
          return out;
        } finally {
          client.release();
        }
      }),
    );
    for (const r of done) results.push(...r);
  }
  return results;
}

/** As src/api/pages.ts pageBody: count, links (the query as sent, page last), pages. */
function listBody(results: Result[], url: URL, publicBaseUrl: string): unknown {
  const summary = catalogFacets(need(rowsWith<FacetRow>(results, ['g', 'by_category']), 'facets'));
  const rows = need(rowsWith<CourseListRow>(results, ['instructor_first_name'], ['instructor_bio']), 'list rows');
  const flags = new Map<string, ViewerFlags>();
  for (const f of rowsWith<ViewerFlags & { id: string }>(results, ['id', 'in_wishlist'], ['progress_percent']) ?? []) {
    flags.set(f.id, { enrolled: f.enrolled, in_cart: f.in_cart, in_wishlist: f.in_wishlist });
  }
  const page = Number(url.searchParams.get('page') ?? 1);
  const pageSize = Number(url.searchParams.get('page_size') ?? 20);
  const totalPages = Math.ceil(summary.count / pageSize);
  const link = (n: number): string => {
    const params = new URLSearchParams();
    for (const [key, value] of url.searchParams) if (key !== 'page') params.set(key, value);
    params.set('page', String(n));
    return `${publicBaseUrl}${url.pathname.replace(/^\/api\/v1/, '')}?${params.toString()}`;
  };
  const now = Date.now();
  return {
    count: summary.count,
    next: page < totalPages ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    total_pages: totalPages,
    current_page: page,
    results: rows.map((row) => courseListItem(row, flags.get(row.id), now)),
    facets: summary.facets,
  };
}

function courseBody(results: Result[], viewerId: string | null): unknown {
  const row = need(rowsWith<CourseDetailRow>(results, ['instructor_bio']), 'course row')[0]!;
  const viewer = rowsWith<ViewerCourseState>(results, ['progress_percent'])?.[0] ?? {
    ...NO_FLAGS,
    progress_percent: null,
    enrolled_at: null,
  };
  return courseDetail({
    row,
    stats: need(rowsWith<InstructorStats>(results, ['courses_count']), 'instructor stats')[0]!,
    curriculum: need(rowsWith<CurriculumRow>(results, ['section_id']), 'curriculum'),
    recentReviews: need(rowsWith<ReviewRow>(results, ['author_first_name']), 'reviews'),
    viewer,
    isInstructor: viewerId === row.instructor_id,
  });
}

/**
 * The checkout's writes cannot be replayed with the captured values (each checkout is a new cart item, order and
 * PaymentIntent), so the captured statements are run with this request's values in place of the captured ones:
 * the user (from the token's payload, not verified), the request body's ids, and every value a statement or the
 * Stripe call returned differently this time (new ids, order number, timestamps, the intent and its secret),
 * learnt by comparing each result with the captured one. The body is LearnFlow's captured body with the same
 * substitutions: its every variable value comes from those results.
 */
type Values = Map<string, string>;

function substitute(value: unknown, values: Values): unknown {
  if (typeof value === 'string') {
    const exact = values.get(value);
    if (exact !== undefined) return exact;
    let out = value;
    for (const [from, to] of values) if (from.length >= 8 && out.includes(from)) out = out.split(from).join(to);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, values));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values)]));
  }
  return value;
}

/** Records every string that differs between the captured result and this one. */
function learn(captured: unknown, now: unknown, values: Values): void {
  if (typeof captured === 'string' && typeof now === 'string') {
    if (captured !== now) values.set(captured, now);
  } else if (Array.isArray(captured) && Array.isArray(now)) {
    for (const [i, c] of captured.entries()) learn(c, now[i], values);
  } else if (captured && now && typeof captured === 'object' && typeof now === 'object') {
    for (const [k, c] of Object.entries(captured)) learn(c, (now as Record<string, unknown>)[k], values);
  }
}

const stripeAgent = new http.Agent({ keepAlive: true });

function callStripe(call: StripeCall, values: Values): Promise<unknown> {
  const body = substitute(call.body, values) as string;
  const headers = { ...(substitute(call.headers, values) as Record<string, string>), 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: process.env.BASELINE_STRIPE_HOST ?? '127.0.0.1',
        port: Number(process.env.BASELINE_STRIPE_PORT),
        method: call.method,
        path: substitute(call.path, values) as string,
        headers,
        agent: stripeAgent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function replay(pool: pg.Pool, route: BaselineRoute, userId: string, requestBody: Record<string, unknown>): Promise<string> {
  const values: Values = new Map();
  if (route.userId) values.set(route.userId, userId);
  for (const [key, captured] of Object.entries(route.requestBody ?? {})) learn(captured, requestBody[key], values);
  for (const step of route.plan) {
    await Promise.all(
      step.map(async (unit) => {
        if (unit.stripe) {
          learn(unit.stripe.response, await callStripe(unit.stripe, values), values);
          return;
        }
        const client = await pool.connect();
        try {
          if (unit.tx && !/^\s*(begin|start transaction)/i.test(unit.statements[0]?.sql ?? '')) await client.query('BEGIN');
          for (const s of unit.statements) {
            const result = await client.query(s.sql, substitute(s.bindings, values) as unknown[]);
            if (s.rows && result.rows) learn(s.rows, JSON.parse(JSON.stringify(result.rows)), values);
          }
        } finally {
          client.release();
        }
      }),
    );
  }
  return substitute(route.body ?? '', values) as string;
}

function userOf(authorization: string | undefined): string {
  const payload = authorization?.split(' ')[1]?.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8') || '{}') as { user_id?: string }).user_id ?? '';
}

function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
    });
    req.on('error', reject);
  });
}

function main(): void {
  const routes = JSON.parse(fs.readFileSync(process.env.BASELINE_PLANS!, 'utf8')) as BaselineRoute[];
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.url} ${r.shape === 'replay' ? '*' : (r.authorization ?? '')}`, r]));
  const publicBaseUrl = process.env.PUBLIC_BASE_URL!;
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.BASELINE_POOL_MAX) });
  const server = http.createServer((req, res) => {
    const route = byKey.get(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`) ?? byKey.get(`${req.method} ${req.url} *`);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const answer = async (): Promise<{ status: number; payload: string }> => {
      if (route.shape === 'replay') {
        return { status: route.status ?? 200, payload: await replay(pool, route, userOf(req.headers.authorization), await readBody(req)) };
      }
      const results = await runPlan(pool, route.plan);
      const url = new URL(req.url!, 'http://x');
      const body =
        route.shape === 'listCourses'
          ? listBody(results, url, publicBaseUrl)
          : route.shape === 'getCourse'
            ? courseBody(results, route.viewerId)
            : insightBody(route.shape, results, url);
      return { status: 200, payload: JSON.stringify(body) };
    };
    answer().then(
      ({ status, payload }) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
      },
      (err: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message);
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.BASELINE_PORT), '127.0.0.1', () => process.send?.('listening'));
}

if (require.main === module) main();
