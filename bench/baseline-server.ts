import fs from 'node:fs';
import http from 'node:http';
import pg from 'pg';
import type { Plan } from './capture';
import { catalogFacets, courseDetail, courseListItem } from '../src/presenters/courses';
import type { FacetRow } from '../src/repositories/courseSearch';
import type { CourseDetailRow, CourseListRow, InstructorStats } from '../src/repositories/courses';
import type { CurriculumRow } from '../src/repositories/curriculum';
import type { ReviewRow } from '../src/repositories/reviews';
import { NO_FLAGS, type ViewerCourseState, type ViewerFlags } from '../src/repositories/viewerState';

/**
 * The bench's floor: a bare node:http + pg server answering the measured requests with exactly the SQL LearnFlow
 * ran for them (bench/capture.ts records it from knex's events at bench time; nothing here is retyped), on a pool
 * of LearnFlow's size, in the same steps (what LearnFlow ran concurrently runs concurrently here; a transaction
 * runs on one connection). The body is shaped by LearnFlow's own pure presenters (src/presenters/courses.ts:
 * catalogFacets, courseListItem, courseDetail) plus a few hand-written lines for the page envelope and links,
 * so the bench can check it is byte-identical to LearnFlow's before measuring. No routing framework, validation,
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
  /** Which shaping builds the body from the rows. */
  shape: 'listCourses' | 'getCourse';
  viewerId: string | null;
  plan: Plan;
}

// As src/db/knex.ts: bigint and numeric parsed to numbers, so presenters see the same row values.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

type Result = pg.QueryResult<Record<string, unknown>>;

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

/** The rows of the last result that has every one of these columns (and none of `without`). */
function rowsWith<T>(results: Result[], columns: string[], without: string[] = []): T[] | undefined {
  for (let i = results.length - 1; i >= 0; i--) {
    const names = new Set((results[i]!.fields ?? []).map((f) => f.name));
    if (columns.every((c) => names.has(c)) && !without.some((c) => names.has(c))) return results[i]!.rows as T[];
  }
  return undefined;
}

function need<T>(rows: T[] | undefined, what: string): T[] {
  if (!rows) throw new Error(`no statement returned the ${what}`);
  return rows;
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

function main(): void {
  const routes = JSON.parse(fs.readFileSync(process.env.BASELINE_PLANS!, 'utf8')) as BaselineRoute[];
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.url} ${r.authorization ?? ''}`, r]));
  const publicBaseUrl = process.env.PUBLIC_BASE_URL!;
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.BASELINE_POOL_MAX) });
  const server = http.createServer((req, res) => {
    const route = byKey.get(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    runPlan(pool, route.plan).then(
      (results) => {
        const url = new URL(req.url!, 'http://x');
        const body = route.shape === 'listCourses' ? listBody(results, url, publicBaseUrl) : courseBody(results, route.viewerId);
        const payload = JSON.stringify(body);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
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
