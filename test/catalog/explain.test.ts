import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startTestServer, type TestServer } from '../support/harness';

/**
 * The catalog's list queries use indexes on their own at a marketplace's size: the exact SQL each request runs
 * (captured from the server's knex instance) is EXPLAINed after ANALYZE, and no plan may scan `courses`
 * sequentially. The planner is left alone (no enable_seqscan = off).
 */
// At 2,000 courses the whole table is a few pages and the planner rightly prefers a sequential scan for the typo
// search; from 20,000 (seeded in ~4 s) it picks the indexes for every shape, as it does at 100,000.
const COURSES = Number(process.env.CATALOG_EXPLAIN_COURSES ?? 20_000);

const TOPICS = [
  'JavaScript',
  'Python',
  'React',
  'Design',
  'Marketing',
  'Photography',
  'Cooking',
  'Finance',
  'Excel',
  'Guitar',
  'Piano',
  'Drawing',
  'Kubernetes',
  'Docker',
  'Rust',
  'Golang',
  'Statistics',
  'Calculus',
  'Chemistry',
  'Biology',
  'Spanish',
  'French',
  'German',
  'Writing',
  'Leadership',
  'Negotiation',
  'Accounting',
  'Investing',
  'Yoga',
  'Nutrition',
  'Blender',
  'Unity',
  'Swift',
  'Kotlin',
  'Flutter',
  'Angular',
  'Vue',
  'Django',
  'Laravel',
  'Tableau',
];

let t: TestServer;
let client: pg.Client;

before(async () => {
  t = await startTestServer();
  await t.db.raw(`INSERT INTO categories (name, slug) SELECT 'Category ' || g, 'category-' || g FROM generate_series(1, 12) g`);
  await t.db.raw(`
    INSERT INTO users (email, password_hash, first_name, last_name, is_instructor)
    SELECT 'explain-instructor-' || g || '@example.com', 'x', (ARRAY['Angela', 'Max', 'Kent', 'Sarah'])[1 + g % 4], 'Teacher' || g, true
    FROM generate_series(1, 400) g`);
  // Realistic shapes: 40 topics (so a search matches a few percent of the catalog), 15 price tiers, four levels,
  // a few languages, 3% drafts.
  await t.db.raw(
    `WITH i AS (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE is_instructor),
          c AS (SELECT array_agg(id ORDER BY name) AS ids FROM categories)
     INSERT INTO courses (instructor_id, instructor_name, category_id, title, slug, short_description, description, thumbnail,
       level, language, price_cents, is_published, published_at, last_updated, student_count, review_count, rating_count,
       rating_avg, rating_5, rating_4)
     SELECT i.ids[1 + g % 400], 'Teacher ' || (g % 400), c.ids[1 + g % 12],
       (ARRAY[${TOPICS.map(() => '?').join(', ')}])[1 + g % ${TOPICS.length}] || ' Course ' || g,
       'explain-course-' || g, 'Learn the essentials, part ' || g, 'A long description of course ' || g || ' with many words about the topic.',
       'https://images.example.com/' || g || '.jpg',
       (ARRAY['Beginner', 'Intermediate', 'Advanced', 'All Levels'])[1 + g % 4], (ARRAY['English', 'English', 'English', 'Spanish', 'German'])[1 + g % 5],
       (ARRAY[0, 1999, 2499, 2999, 3499, 3999, 4999, 5999, 6999, 7999, 8999, 9999, 10999, 11999, 12999])[1 + (g * 7) % 15],
       g % 33 <> 0, now() - (g % 900) * interval '1 day', now() - (g % 700) * interval '1 hour',
       (g * 7919) % 5000, (g * 31) % 400, (g * 31) % 400,
       CASE WHEN (g * 31) % 400 = 0 THEN 0 ELSE round(3 + ((g * 13) % 200) / 100.0, 2) END,
       ((g * 31) % 400) / 2, (g * 31) % 400 - ((g * 31) % 400) / 2
     FROM generate_series(1, ?) g, i, c`,
    [...TOPICS, COURSES],
  );
  // Statistics and the visibility map, as autovacuum would leave them on a live catalog.
  await t.db.raw('VACUUM ANALYZE courses');
  await t.db.raw('VACUUM ANALYZE catalog_facet_counts');
  client = new pg.Client({ connectionString: t.config.databaseUrl });
  await client.connect();
});
after(async () => {
  await client?.end();
  await t.close();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Heap Fetches'?: number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/**
 * Runs the request and returns the plan of every statement it sent that reads `courses` (or the typo fallback's
 * titles). `generic`: the plan PostgreSQL makes without the values, which a prepared statement may switch to.
 * `least`: how many such statements the request must send (a cached search's facets send none).
 */
async function plansOf(
  query: Record<string, string | number>,
  generic = false,
  least = { statements: 2, what: 'the page and the facets' },
): Promise<Array<{ sql: string; nodes: PlanNode[] }>> {
  const statements: Array<{ sql: string; bindings: unknown[] }> = [];
  const listener = (q: { sql: string; bindings?: unknown[] }): void => {
    if (/\b(courses|catalog_titles)\b/.test(q.sql) && /^\s*select/i.test(q.sql))
      statements.push({ sql: q.sql, bindings: q.bindings ?? [] });
  };
  t.db.on('query', listener);
  try {
    const res = await t.api.get('/courses/', { query });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.results.length > 0, 'the shape must find courses');
  } finally {
    t.db.off('query', listener);
  }
  assert.ok(statements.length >= least.statements, least.what);
  const plans = [];
  for (const s of statements) {
    // knex logs `?` placeholders; pg wants $1, $2, ...
    let n = 0;
    const text = s.sql.replace(/\?/g, () => `$${++n}`);
    const { rows } = generic
      ? await explainGeneric(text, s.bindings)
      : await client.query(`EXPLAIN (FORMAT JSON) ${text}`, s.bindings as unknown[]);
    plans.push({ sql: s.sql, nodes: nodes((rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan) });
  }
  return plans;
}

async function explainGeneric(text: string, values: unknown[]): Promise<pg.QueryResult> {
  await client.query(`PREPARE generic_probe AS ${text}`);
  try {
    await client.query('SET plan_cache_mode = force_generic_plan');
    const args = values.map((v) => client.escapeLiteral(String(v))).join(', ');
    return await client.query(`EXPLAIN (FORMAT JSON) EXECUTE generic_probe${args ? `(${args})` : ''}`);
  } finally {
    await client.query('RESET plan_cache_mode');
    await client.query('DEALLOCATE generic_probe');
  }
}

function assertNoSeqScanOfCourses(plans: Array<{ sql: string; nodes: PlanNode[] }>): void {
  for (const plan of plans) {
    const seq = plan.nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'courses');
    assert.deepEqual(seq, [], `sequential scan of courses in:\n${plan.sql}`);
  }
}

const indexesUsed = (plans: Array<{ nodes: PlanNode[] }>): string[] =>
  plans.flatMap((p) => p.nodes.map((n) => n['Index Name']).filter((x): x is string => !!x));

describe(`catalog query plans at ${COURSES} courses`, () => {
  it('category filter + popularity sort: the category/students index', async () => {
    const plans = await plansOf({ category: 'category-3', ordering: '-popularity' });
    assertNoSeqScanOfCourses(plans);
    assert.ok(indexesUsed(plans).includes('courses_pub_category_students_index'));
  });

  it('search + relevance: the full-text GIN index', async () => {
    const plans = await plansOf({ search: 'javascript' });
    assertNoSeqScanOfCourses(plans);
    assert.ok(indexesUsed(plans).includes('courses_search_vector_index'));
  });

  it('typo search: the trigram GIN index, then the matched courses from the covering title index', async () => {
    const plans = await plansOf({ search: 'javscript' });
    assertNoSeqScanOfCourses(plans);
    assert.ok(indexesUsed(plans).includes('catalog_titles_trgm_index'));
    // The page and the facets find the matched titles' courses by equality, each through the covering index.
    const fuzzy = plans.filter((p) => p.sql.includes('fuzzy_match'));
    assert.equal(fuzzy.length, 2, 'the page and the facets of the fallback');
    for (const plan of fuzzy) assert.ok(indexesUsed([plan]).includes('courses_pub_title_cover_index'), plan.sql);
  });

  // The search-only statements run prepared (CatalogShape.searchOnly): PostgreSQL may keep a generic plan for them,
  // which must read the same indexes.
  it('search alone, prepared: the generic plans read the full-text and covering indexes too', async () => {
    const ranked = await plansOf({ search: 'python' }, true);
    assertNoSeqScanOfCourses(ranked);
    assert.ok(indexesUsed(ranked).includes('courses_search_vector_index'));
    // Asked again, the search's facets come from the cache: the page, read with the catalog versions, is all.
    const again = await plansOf({ search: 'python' }, true, { statements: 1, what: 'the page with its versions' });
    assert.equal(again.length, 1);
    assertNoSeqScanOfCourses(again);
    assert.ok(indexesUsed(again).includes('courses_search_vector_index'));
    const typo = await plansOf({ search: 'javscript' }, true);
    assertNoSeqScanOfCourses(typo);
    assert.ok(indexesUsed(typo).includes('catalog_titles_trgm_index'));
    for (const plan of typo.filter((p) => p.sql.includes('fuzzy_match'))) {
      assert.ok(indexesUsed([plan]).includes('courses_pub_title_cover_index'), plan.sql);
    }
  });

  it('price filter + rating sort: the rating index', async () => {
    const plans = await plansOf({ min_price: 20, max_price: 60, ordering: '-rating' });
    assertNoSeqScanOfCourses(plans);
    assert.ok(indexesUsed(plans).includes('courses_pub_rating_index'));
  });

  it('rating filter (facets from the courses themselves): the covering facets index', async () => {
    const plans = await plansOf({ rating_min: 4.5, level: 'beginner', ordering: 'price' });
    assertNoSeqScanOfCourses(plans);
  });

  it('a deep page reads only the sort index, and the total comes from the facets aggregate', async () => {
    const plans = await plansOf({ page: Math.floor((COURSES * 0.9) / 100), page_size: 100 });
    assertNoSeqScanOfCourses(plans);
    assert.ok(indexesUsed(plans).includes('courses_pub_students_index'));
    assert.ok(plans.every((p) => !/count\(\*\) over/i.test(p.sql)));
  });

  // A page before the middle pays its OFFSET: the skipped entries must come from the sort index alone (an
  // index-only scan over a vacuumed table), never a heap row per skipped course as an unvacuumed catalog did.
  for (const ordering of ['-popularity', 'popularity', '-rating', 'price', '-review_count', 'title', 'newest']) {
    it(`a deep page before the middle (${ordering}) skips through the sort index without reading a skipped course`, async () => {
      const page = Math.floor((COURSES * 0.4) / 20);
      const skip = await skipOf({ page, ordering });
      assert.equal(skip['Node Type'], 'Index Only Scan', JSON.stringify(skip));
      assert.ok((skip['Actual Rows'] ?? 0) >= (page - 1) * 20, JSON.stringify(skip));
      assert.equal(skip['Heap Fetches'], 0);
    });
  }
});

/** The scan of a sort index under the page's LIMIT/OFFSET, from EXPLAIN ANALYZE of the request's page statement. */
async function skipOf(query: Record<string, string | number>): Promise<PlanNode> {
  const statements: Array<{ sql: string; bindings: unknown[] }> = [];
  const listener = (q: { sql: string; bindings?: unknown[] }): void => {
    if (/\bLIMIT\b.*\bOFFSET\b/is.test(q.sql)) statements.push({ sql: q.sql, bindings: q.bindings ?? [] });
  };
  t.db.on('query', listener);
  try {
    const res = await t.api.get('/courses/', { query });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  } finally {
    t.db.off('query', listener);
  }
  const [statement] = statements;
  assert.ok(statement, 'the page statement');
  let n = 0;
  const text = statement.sql.replace(/\?/g, () => `$${++n}`);
  const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, statement.bindings as unknown[]);
  const plan = nodes((rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan);
  const scan = plan.find((p) => p['Index Name']?.startsWith('courses_pub_'));
  assert.ok(scan, `a scan of a sort index in:\n${statement.sql}`);
  return scan;
}
