import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse, insertInstructor, upsertCategory } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';

/**
 * Every page of the catalog, for every ordering the contract offers, is exactly its slice of the whole ordered
 * list: pages before the middle skip their OFFSET through the sort index, pages past it are read from the end
 * (with the cached total of the catalog version), a page read again seeks from the row it started with (while
 * both catalog versions stand), and none may show a different course, order or field than one read of the whole
 * list. Ties on every sort key (shared counts, prices, ratings, dates, titles) put the id
 * tie-break to work. Checked again after a publish and a price change through the API (which move the catalog
 * version) and after a popularity change from a stats recompute (which does not).
 */
const ORDERINGS = [
  'relevance',
  '-popularity',
  'popularity',
  '-rating',
  'rating',
  '-review_count',
  'review_count',
  'price',
  '-price',
  'title',
  '-title',
  'newest',
  '-newest',
];
const FILTERS: Array<Record<string, string>> = [{}, { category: 'development' }];
const PAGE_SIZE = 3;

let teacher: string;
let teacherToken: string;
let development: string;

const t = useTestServer({}, async () => {
  teacher = await insertInstructor(t.db, { first: 'Deep', last: 'Pages' });
  teacherToken = t.deps.tokens.signAccess(teacher);
  development = await upsertCategory(t.db, 'Development');
  const day = Date.parse('2026-06-01T10:00:00Z');
  for (let i = 0; i < 31; i++) {
    const stars = i % 4;
    await insertCourse(t.db, {
      title: `Deep Course ${String.fromCharCode(65 + (i % 9))}`, // nine titles shared by several courses
      instructorId: teacher,
      categoryName: i % 3 === 0 ? 'Design' : 'Development',
      priceCents: [0, 1999, 4999, 1999][i % 4],
      columns: {
        student_count: (i * 7) % 5,
        review_count: stars,
        rating_count: stars,
        rating_5: stars,
        rating_avg: stars === 0 ? 0 : 5,
        last_updated: new Date(day - (i % 6) * 86_400_000),
      },
    });
  }
  await insertCourse(t.db, { title: 'Deep Draft', instructorId: teacher, published: false });
});

interface ListPage {
  count: number;
  total_pages: number;
  results: Array<{ id: string }>;
}

async function list(query: Record<string, string>): Promise<ListPage> {
  const res = await t.api.get('/courses/', { query });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as ListPage;
}

/** For each ordering and filter: the pages one after another equal the single read of the whole list. */
async function assertPagesAreSlices(): Promise<void> {
  for (const filter of FILTERS) {
    for (const ordering of ORDERINGS) {
      const whole = await list({ ...filter, ordering, page_size: '100' });
      assert.ok(whole.count > PAGE_SIZE * 4, 'enough courses for pages on both sides of the middle');
      assert.equal(whole.results.length, whole.count);
      const pages = Math.ceil(whole.count / PAGE_SIZE);
      // Every page twice: the second read of a page starts from the row the first one began with (a seek).
      const once = Array.from({ length: pages }, (_, i) => i + 1);
      for (const page of [...once, ...once]) {
        const slice = await list({ ...filter, ordering, page_size: String(PAGE_SIZE), page: String(page) });
        assert.equal(slice.count, whole.count);
        const expected = whole.results.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
        assert.deepEqual(slice.results, expected, `${JSON.stringify(filter)} ordering=${ordering} page ${page} of ${pages}`);
      }
    }
  }
}

/** The default order straight from the table: the API's whole read is the truth the pages are checked against. */
async function assertDefaultOrderIsTheTables(): Promise<void> {
  const ids = (await t
    .db('courses')
    .where({ is_published: true })
    .orderBy([
      { column: 'student_count', order: 'desc' },
      { column: 'id', order: 'asc' },
    ])
    .pluck('id')) as string[];
  assert.deepEqual(
    (await list({ page_size: '100' })).results.map((r) => r.id),
    ids,
  );
}

async function ok(res: Promise<{ status: number; body: unknown }>): Promise<void> {
  const { status, body } = await res;
  assert.ok(status === 200 || status === 201, JSON.stringify(body));
}

describe('deep catalog pages', () => {
  it('are the slices of the whole ordered list, for every ordering, filtered or not', async () => {
    await assertDefaultOrderIsTheTables();
    await assertPagesAreSlices();
  });

  it('stay slices of the whole list after a publish and a price change', async () => {
    const created = await t.api.post(
      '/courses/',
      {
        title: 'Deep Course Fresh',
        short_description: 'Short',
        description: 'A long description.',
        category_id: development,
        price: 29.99,
        thumbnail: 'https://images.example.com/x.jpg',
      },
      { token: teacherToken },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = (created.body as { id: string }).id;
    const section = await t.api.post(`/courses/${id}/sections/`, { title: 'Basics' }, { token: teacherToken });
    await ok(
      t.api.post(`/courses/${id}/sections/${section.body.id}/lessons/`, { title: 'Intro', duration_minutes: 5 }, { token: teacherToken }),
    );
    const before = (await list({})).count;

    await ok(t.api.post(`/courses/${id}/publish/`, undefined, { token: teacherToken }));
    assert.equal((await list({})).count, before + 1);
    await assertPagesAreSlices();

    await ok(t.api.patch(`/courses/${id}/`, { price: 0 }, { token: teacherToken }));
    const repriced = (await list({ ordering: 'price', page_size: '100' })).results.find((r) => r.id === id);
    assert.equal((repriced as { price?: number } | undefined)?.price, 0);
    await assertPagesAreSlices();
  });

  it('stay slices of the whole list after a popularity change, which leaves the catalog version alone', async () => {
    const [last] = (await list({ page_size: '1', page: String((await list({ page_size: '1' })).count) })).results;
    assert.ok(last);
    await t.db('courses').where({ id: last.id }).update({ student_count: 1000 });
    assert.equal((await list({ page_size: '1' })).results[0]?.id, last.id);
    await assertDefaultOrderIsTheTables();
    await assertPagesAreSlices();
  });
});
