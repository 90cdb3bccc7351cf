import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CourseFixture, insertCourse, insertEnrollment, insertInstructor, insertLearner } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';

const DAY = 86_400_000;
const ago = (days: number): Date => new Date(Date.now() - days * DAY);

/**
 * Seven published courses and a draft, with hand-picked figures; every expectation below is computed by hand
 * from this table. Shown rating = average of the star counts rounded half up to one decimal.
 *
 * key title                          category      level         lang     price   orig    students stars(5,4,3) shown  reviews updated  published
 * A   JavaScript Fundamentals        Development   Beginner      English  19.99   29.99   500      3,1,0 (4.75) 4.8    4       01-10    10 days ago
 * B   Advanced React Patterns        Development   Advanced      English  89.99   129.99  1500     1,1,0 (4.50) 4.5    2       01-20    100 days ago
 * C   Python for Data Science        Data Science  Intermediate  Spanish  0       -       3000     0,0,2 (3.00) 3.0    2       01-05    200 days ago
 * D   UI Design Basics               Design        Beginner      English  49.99   -       50       none         0      0       01-15    5 days ago
 * E   Marketing Strategy Essentials  Business      All Levels    German   129.99  199.99  800      1,4,0 (4.20) 4.2    5       01-01    400 days ago
 * G   Node.js Backend Development    Development   Intermediate  English  50.00   -       1500     1,1,0 (4.50) 4.5    2       01-25    50 days ago
 * H   Statistics Edge Cases          Data Science  Advanced      English  20.00   -       10       89,111 (4.445 → stored 4.45) 4.4  200  01-12  60 days ago
 * F   Hidden JavaScript Draft        (unpublished)
 * A and D share the instructor Angela Yu; B is taught by Maximilian Schwarzmüller. H's description mentions python.
 */
const c: Record<string, CourseFixture> = {};
const T: Record<string, string> = {
  A: 'JavaScript Fundamentals',
  B: 'Advanced React Patterns',
  C: 'Python for Data Science',
  D: 'UI Design Basics',
  E: 'Marketing Strategy Essentials',
  G: 'Node.js Backend Development',
  H: 'Statistics Edge Cases',
};
let angela: string;

function stars(r5: number, r4: number, r3: number, avg: number): Record<string, number> {
  const n = r5 + r4 + r3;
  return { rating_5: r5, rating_4: r4, rating_3: r3, rating_count: n, review_count: n, rating_avg: avg };
}

const t = useTestServer({}, async () => {
  angela = await insertInstructor(t.db, { first: 'Angela', last: 'Yu' });
  const max = await insertInstructor(t.db, { first: 'Maximilian', last: 'Schwarzmüller' });
  const at = (date: string): Date => new Date(`2026-${date}T10:00:00Z`);
  c.A = await insertCourse(t.db, {
    title: T.A,
    instructorId: angela,
    priceCents: 1999,
    originalPriceCents: 2999,
    columns: { student_count: 500, ...stars(3, 1, 0, 4.75), last_updated: at('01-10'), published_at: ago(10) },
  });
  c.B = await insertCourse(t.db, {
    title: T.B,
    instructorId: max,
    level: 'Advanced',
    priceCents: 8999,
    originalPriceCents: 12999,
    columns: { student_count: 1500, ...stars(1, 1, 0, 4.5), last_updated: at('01-20'), published_at: ago(100) },
  });
  c.C = await insertCourse(t.db, {
    title: T.C,
    categoryName: 'Data Science',
    level: 'Intermediate',
    language: 'Spanish',
    priceCents: 0,
    columns: { student_count: 3000, ...stars(0, 0, 2, 3), last_updated: at('01-05'), published_at: ago(200) },
  });
  c.D = await insertCourse(t.db, {
    title: T.D,
    instructorId: angela,
    categoryName: 'Design',
    priceCents: 4999,
    columns: { student_count: 50, last_updated: at('01-15'), published_at: ago(5) },
  });
  c.E = await insertCourse(t.db, {
    title: T.E,
    categoryName: 'Business',
    level: 'All Levels',
    language: 'German',
    priceCents: 12999,
    originalPriceCents: 19999,
    columns: { student_count: 800, ...stars(1, 4, 0, 4.2), last_updated: at('01-01'), published_at: ago(400) },
  });
  c.G = await insertCourse(t.db, {
    title: T.G,
    level: 'Intermediate',
    priceCents: 5000,
    columns: { student_count: 1500, ...stars(1, 1, 0, 4.5), last_updated: at('01-25'), published_at: ago(50) },
  });
  c.H = await insertCourse(t.db, {
    title: T.H,
    categoryName: 'Data Science',
    level: 'Advanced',
    priceCents: 2000,
    description: 'Statistics with python examples.',
    columns: { student_count: 10, ...stars(89, 111, 0, 4.45), last_updated: at('01-12'), published_at: ago(60) },
  });
  c.F = await insertCourse(t.db, {
    title: 'Hidden JavaScript Draft',
    published: false,
    priceCents: 1000,
    columns: { student_count: 99999 },
  });
});

/** The ids of `keys` in ascending (or descending) id order: how ties are broken. */
const byId = (keys: string[], dir: 'asc' | 'desc' = 'asc'): string[] => {
  const sorted = [...keys].sort((a, b) => ((c[a] as CourseFixture).id < (c[b] as CourseFixture).id ? -1 : 1));
  return dir === 'asc' ? sorted : sorted.reverse();
};

async function titles(query: Record<string, string | number | boolean>, token?: string): Promise<string[]> {
  const res = await t.api.get('/courses/', { query: { page_size: 100, ...query }, token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.count, res.body.results.length);
  return res.body.results.map((r: { title: string }) => r.title);
}

const named = (keys: string[]): string[] => keys.map((k) => T[k] as string);

describe('listCourses filters', () => {
  it('lists only published courses, most popular first by default', async () => {
    assert.deepEqual(await titles({}), named(['C', ...byId(['B', 'G']), 'E', 'A', 'D', 'H']));
  });

  it('filters by category name or slug in any case; an unknown category is an empty page', async () => {
    const development = named(byId(['B', 'G']));
    assert.deepEqual(await titles({ category: 'Development' }), [...development, T.A]);
    assert.deepEqual(await titles({ category: 'DEVELOPMENT' }), [...development, T.A]);
    assert.deepEqual(await titles({ category: 'data-science' }), named(['C', 'H']));
    assert.deepEqual(await titles({ category: 'Data Science' }), named(['C', 'H']));
    const none = await t.api.get('/courses/', { query: { category: 'Underwater Basket Weaving' } });
    assert.equal(none.status, 200);
    assert.deepEqual([none.body.count, none.body.results, none.body.total_pages], [0, [], 0]);
  });

  it('filters by level in any case, all-levels spellings included, and refuses an unknown level', async () => {
    assert.deepEqual(await titles({ level: 'beginner' }), named(['A', 'D']));
    assert.deepEqual(await titles({ level: 'ADVANCED' }), named(['B', 'H']));
    for (const spelling of ['all levels', 'all-levels', 'ALL_LEVELS']) assert.deepEqual(await titles({ level: spelling }), named(['E']));
    const bad = await t.api.get('/courses/', { query: { level: 'expert' } });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.error.details, { level: ['Must be one of: Beginner, Intermediate, Advanced, All Levels.'] });
  });

  it('filters by language in any case', async () => {
    assert.deepEqual(await titles({ language: 'english', ordering: 'title' }), named(['B', 'A', 'G', 'H', 'D']));
    assert.deepEqual(await titles({ language: 'SPANISH' }), named(['C']));
  });

  it('filters by an inclusive price range in dollars, free and paid', async () => {
    assert.deepEqual(await titles({ min_price: 20, max_price: 50, ordering: 'price' }), named(['H', 'D', 'G']));
    assert.deepEqual(await titles({ max_price: 19.99, ordering: 'price' }), named(['C', 'A']));
    assert.deepEqual(await titles({ is_free: true }), named(['C']));
    assert.deepEqual(await titles({ is_free: false, ordering: 'price' }), named(['A', 'H', 'D', 'G', 'B', 'E']));
    const bad = await t.api.get('/courses/', { query: { min_price: 60, max_price: 50 } });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.error.details, { min_price: ['Must not be greater than max_price.'] });
  });

  it('filters by the shown rating, exactly: a 4.445 average shows 4.4 and is not "at least 4.5"', async () => {
    assert.deepEqual(await titles({ rating_min: 4.5, ordering: '-rating' }), named(['A', ...byId(['B', 'G'])]));
    assert.deepEqual(await titles({ rating_min: 4.45, ordering: '-rating' }), named(['A', ...byId(['B', 'G'])]));
    assert.deepEqual(await titles({ rating_min: 4.4, ordering: '-rating' }), named(['A', ...byId(['B', 'G']), 'H']));
    const h = (await t.api.get('/courses/', { query: { search: 'Statistics Edge' } })).body.results[0];
    assert.equal(h.rating, 4.4);
  });

  it('filters by instructor', async () => {
    assert.deepEqual(await titles({ instructor: angela }), named(['A', 'D']));
  });

  it('combines filters with AND, as in the guide', async () => {
    assert.deepEqual(
      await titles({ category: 'Development', level: 'beginner', min_price: 0, max_price: 100, rating_min: 4.0 }),
      named(['A']),
    );
  });
});

describe('listCourses search', () => {
  it('searches title, descriptions and instructor name; drafts never match', async () => {
    assert.deepEqual(await titles({ search: 'javascript' }), named(['A']));
    assert.deepEqual(await titles({ search: 'react patterns' }), named(['B']));
    assert.deepEqual(await titles({ search: 'Maximilian' }), named(['B']));
    assert.deepEqual(await titles({ search: '   ' }), await titles({}));
  });

  it('ranks a title match above a description match', async () => {
    assert.deepEqual(await titles({ search: 'python' }), named(['C', 'H']));
  });

  it('falls back to typo-tolerant matching when the ranked search finds nothing', async () => {
    assert.deepEqual(await titles({ search: 'javscript' }), named(['A']));
    assert.deepEqual(await titles({ search: 'pythn' }), named(['C']));
    // 0.57 similar: under pg_trgm's default bar of 0.6, over the fallback's 0.4.
    assert.deepEqual(await titles({ search: 'desing' }), named(['D']));
    assert.deepEqual(await titles({ search: 'Maximillian' }), named(['B']));
    assert.deepEqual(await titles({ search: 'qwxzvbn' }), []);
  });
});

describe('listCourses orderings', () => {
  // Functions: ties are broken by id, and the ids exist only once the courses are inserted.
  const cases: Array<[string, () => string[]]> = [
    ['-popularity', () => ['C', ...byId(['B', 'G']), 'E', 'A', 'D', 'H']],
    ['-rating', () => ['A', ...byId(['B', 'G']), 'H', 'E', 'C', 'D']],
    ['price', () => ['C', 'A', 'H', 'D', 'G', 'B', 'E']],
    ['newest', () => ['G', 'B', 'D', 'H', 'A', 'C', 'E']],
    ['-review_count', () => ['H', 'E', 'A', ...byId(['B', 'C', 'G']), 'D']],
    ['title', () => ['B', 'A', 'E', 'G', 'C', 'H', 'D']],
  ];

  for (const [ordering, expected] of cases) {
    it(`orders by ${ordering}, and by its reverse exactly reversed`, async () => {
      const order = named(expected());
      assert.deepEqual(await titles({ ordering }), order);
      const reverse = ordering.startsWith('-') ? ordering.slice(1) : `-${ordering}`;
      assert.deepEqual(await titles({ ordering: reverse }), [...order].reverse());
    });
  }

  it('treats relevance without a search as -popularity', async () => {
    assert.deepEqual(await titles({ ordering: 'relevance' }), await titles({ ordering: '-popularity' }));
  });
});

describe('listCourses items, facets and pages', () => {
  it('renders every field with the derived rules (discount rounded down, is_new, duration, rating)', async () => {
    const res = await t.api.get('/courses/', { query: { search: 'javascript' } });
    const a = res.body.results[0];
    assert.deepEqual(
      { ...a, last_updated: undefined },
      {
        id: c.A?.id,
        title: T.A,
        slug: c.A?.slug,
        short_description: `${T.A} in short`,
        category: 'Development',
        instructor: { id: angela, first_name: 'Angela', last_name: 'Yu' },
        thumbnail: 'https://images.example.com/thumb.jpg',
        rating: 4.8,
        rating_count: 4,
        student_count: 500,
        review_count: 4,
        duration_hours: 0.7,
        level: 'Beginner',
        language: 'English',
        price: 19.99,
        original_price: 29.99,
        discount_percent: 33,
        is_bestseller: false,
        is_new: true,
        is_published: true,
        last_updated: undefined,
        enrolled: false,
        in_cart: false,
        in_wishlist: false,
      },
    );
    assert.equal(a.last_updated, '2026-01-10T10:00:00.000Z');
    const all = (await t.api.get('/courses/', { query: { page_size: 100 } })).body.results as Array<{
      title: string;
      discount_percent: number;
      is_new: boolean;
    }>;
    const get = (key: string) => all.find((x) => x.title === T[key]) as { discount_percent: number; is_new: boolean };
    assert.deepEqual([get('B').discount_percent, get('E').discount_percent, get('C').discount_percent], [30, 35, 0]);
    assert.deepEqual([get('B').is_new, get('D').is_new], [false, true]);
  });

  it('computes facets over the filtered courses, each ignoring its own dimension', async () => {
    const res = await t.api.get('/courses/', { query: { category: 'Development' } });
    assert.equal(res.body.count, 3);
    assert.deepEqual(res.body.facets, {
      categories: [
        { value: 'development', label: 'Development', count: 3 },
        { value: 'data-science', label: 'Data Science', count: 2 },
        { value: 'business', label: 'Business', count: 1 },
        { value: 'design', label: 'Design', count: 1 },
      ],
      levels: [
        { value: 'Beginner', count: 1 },
        { value: 'Intermediate', count: 1 },
        { value: 'Advanced', count: 1 },
      ],
      languages: [{ value: 'English', count: 3 }],
      price_bands: [
        { value: 'free', min: 0, max: 0, count: 0 },
        { value: 'under_20', min: 0.01, max: 19.99, count: 1 },
        { value: '20_to_50', min: 20, max: 49.99, count: 0 },
        { value: '50_to_100', min: 50, max: 99.99, count: 2 },
        { value: 'over_100', min: 100, max: null, count: 0 },
      ],
    });
    const byLevel = await t.api.get('/courses/', { query: { level: 'advanced', max_price: 50 } });
    assert.equal(byLevel.body.count, 1);
    assert.deepEqual(byLevel.body.facets.levels, [
      { value: 'Beginner', count: 2 },
      { value: 'Intermediate', count: 2 },
      { value: 'Advanced', count: 1 },
    ]);
    assert.deepEqual(
      byLevel.body.facets.price_bands.map((b: { count: number }) => b.count),
      [0, 0, 1, 1, 0],
    );
  });

  it('computes the same facets from the courses themselves when searching or filtering by rating', async () => {
    const res = await t.api.get('/courses/', { query: { rating_min: 4.2, language: 'english' } });
    assert.equal(res.body.count, 4);
    assert.deepEqual(res.body.facets.languages, [
      { value: 'English', count: 4 },
      { value: 'German', count: 1 },
    ]);
    assert.deepEqual(res.body.facets.categories, [
      { value: 'development', label: 'Development', count: 3 },
      { value: 'data-science', label: 'Data Science', count: 1 },
    ]);
    const search = await t.api.get('/courses/', { query: { search: 'python' } });
    assert.deepEqual(search.body.facets.levels, [
      { value: 'Intermediate', count: 1 },
      { value: 'Advanced', count: 1 },
    ]);
  });

  it('pages with absolute links that keep the filters; a page past the end is 404 and page_size over 100 is 422', async () => {
    const first = await t.api.get('/courses/', { query: { page_size: 3, language: 'english' } });
    assert.deepEqual([first.body.count, first.body.total_pages, first.body.current_page, first.body.previous], [5, 2, 1, null]);
    const next = new URL(first.body.next);
    assert.equal(next.pathname, '/api/v1/courses/');
    assert.deepEqual(Object.fromEntries(next.searchParams), { page_size: '3', language: 'english', page: '2' });
    const second = await t.api.get('/courses/', { query: { page_size: 3, language: 'english', page: 2 } });
    assert.equal(second.body.results.length, 2);
    assert.equal(second.body.next, null);
    assert.match(second.body.previous, /page=1/);
    const seen = [...first.body.results, ...second.body.results].map((r: { id: string }) => r.id);
    assert.equal(new Set(seen).size, 5);

    const past = await t.api.get('/courses/', { query: { page_size: 3, language: 'english', page: 3 } });
    assert.equal(past.status, 404);
    assert.equal(past.body.error.code, 'PAGE_NOT_FOUND');
    const big = await t.api.get('/courses/', { query: { page_size: 101 } });
    assert.equal(big.status, 422);
    assert.equal(big.body.error.code, 'VALIDATION_ERROR');
    assert.ok(big.body.error.details.page_size);
    assert.equal((await t.api.get('/courses/', { query: { page: 0 } })).status, 422);
    assert.equal((await t.api.get('/courses/', { query: { ordering: 'cheapest' } })).status, 422);
  });

  it('answers inputs the database cannot hold with 404 or 422 or a plain answer, never a 500', async () => {
    const far = await t.api.get('/courses/', { query: { page: 1e300 } });
    assert.deepEqual([far.status, far.body.error.code], [404, 'PAGE_NOT_FOUND']);
    assert.equal((await t.api.get('/courses/', { query: { min_price: 1e20 } })).body.count, 0);
    assert.equal((await t.api.get('/courses/', { query: { max_price: 1e20 } })).body.count, 7);
    for (const field of ['search', 'category', 'language']) {
      const res = await t.api.get('/courses/', { query: { [field]: 'java\u0000script' } });
      assert.equal(res.status, 422, field);
      assert.deepEqual(res.body.error.details, { [field]: ['Null characters are not allowed.'] });
    }
  });

  it("fills in the viewer's enrolled, in_cart and in_wishlist; anonymous viewers see false", async () => {
    const learner = await insertLearner(t.db);
    const token = t.deps.tokens.signAccess(learner);
    await insertEnrollment(t.db, learner, c.A as CourseFixture);
    const refunded = await insertEnrollment(t.db, learner, c.B as CourseFixture);
    await t.db('enrollments').where({ id: refunded }).update({ status: 'refunded' });
    const [cart] = await t.db('carts').insert({ user_id: learner }).returning('id');
    await t.db('cart_items').insert({ cart_id: cart.id, course_id: c.C?.id });
    await t.db('wishlist_items').insert({ user_id: learner, course_id: c.D?.id });

    const flags = async (tok?: string) => {
      const res = await t.api.get('/courses/', { query: { page_size: 100 }, token: tok });
      return Object.fromEntries(res.body.results.map((r: any) => [r.title, [r.enrolled, r.in_cart, r.in_wishlist]]));
    };
    const mine = await flags(token);
    assert.deepEqual(
      named(['A', 'B', 'C', 'D', 'E']).map((title) => mine[title]),
      [
        [true, false, false],
        [false, false, false],
        [false, true, false],
        [false, false, true],
        [false, false, false],
      ],
    );
    assert.ok(Object.values(await flags()).every((f) => JSON.stringify(f) === '[false,false,false]'));
  });

  it('answers 401 for a present but invalid token instead of the anonymous view', async () => {
    const res = await t.api.get('/courses/', { token: 'not-a-token' });
    assert.equal(res.status, 401);
  });

  it('issues the same number of queries whatever the page size (no query per course)', async () => {
    const learner = await insertLearner(t.db);
    const token = t.deps.tokens.signAccess(learner);
    const count = async (pageSize: number): Promise<number> => {
      let n = 0;
      const listener = (): void => {
        n++;
      };
      t.db.on('query', listener);
      try {
        const res = await t.api.get('/courses/', { query: { page_size: pageSize, category: 'development' }, token });
        assert.equal(res.body.results.length, Math.min(pageSize, 3));
      } finally {
        t.db.off('query', listener);
      }
      return n;
    };
    assert.equal(await count(1), await count(100));
  });
});
