import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse, insertInstructor, upsertCategory } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';

/**
 * The typo fallback (a search the ranked full text finds nothing for): its phrases are looked up once per search
 * in the dictionary of distinct titles and instructor names, and the total, facets and pages are computed from
 * them. These check that the three agree, that a course matching twice counts once, and that the dictionary
 * follows the catalog as it changes through the API.
 */
let teacher: string;
let development: string;

const t = useTestServer({}, async () => {
  const angela = await insertInstructor(t.db, { first: 'Angela', last: 'Yu' });
  const max = await insertInstructor(t.db, { first: 'Maximilian', last: 'Schwarzmüller' });
  teacher = t.deps.tokens.signAccess(angela);
  development = await upsertCategory(t.db, 'Development');
  await insertCourse(t.db, { title: 'JavaScript Fundamentals', instructorId: angela, categoryName: 'Development', priceCents: 1999 });
  await insertCourse(t.db, { title: 'JavaScript Fundamentals', instructorId: max, categoryName: 'Design', priceCents: 0 });
  await insertCourse(t.db, { title: 'Modern JavaScript', instructorId: angela, categoryName: 'Development', priceCents: 8999 });
  await insertCourse(t.db, { title: 'Python Basics', instructorId: angela, categoryName: 'Development', priceCents: 4999 });
  await insertCourse(t.db, { title: 'Maximilian Cooks', instructorId: max, categoryName: 'Design', priceCents: 2999 });
  await insertCourse(t.db, { title: 'Hidden JavaScript Draft', instructorId: angela, published: false });
});

interface Listing {
  count: number;
  titles: string[];
  categories: Record<string, number>;
  bands: Record<string, number>;
}

async function list(query: Record<string, string>): Promise<Listing> {
  const res = await t.api.get('/courses/', { query });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const { count, results, facets } = res.body as any;
  return {
    count,
    titles: results.map((r: any) => r.title),
    categories: Object.fromEntries(facets.categories.filter((c: any) => c.count > 0).map((c: any) => [c.value, c.count])),
    bands: Object.fromEntries(facets.price_bands.filter((b: any) => b.count > 0).map((b: any) => [b.value, b.count])),
  };
}

const titles = async (search: string): Promise<string[]> => (await list({ search })).titles;

describe('typo fallback search', () => {
  it('gives a total, facets and pages that agree, best match first, drafts never', async () => {
    const all = await list({ search: 'javscript' });
    assert.equal(all.count, 3);
    assert.deepEqual([...all.titles].sort(), ['JavaScript Fundamentals', 'JavaScript Fundamentals', 'Modern JavaScript']);
    assert.deepEqual(all.categories, { development: 2, design: 1 });
    assert.deepEqual(all.bands, { free: 1, under_20: 1, '50_to_100': 1 });
    // Page by page, the same courses in the same order, each once.
    const paged: string[] = [];
    for (const page of ['1', '2', '3']) {
      const one = await list({ search: 'javscript', page_size: '1', page });
      assert.equal(one.count, 3);
      assert.deepEqual(one.categories, all.categories);
      paged.push(...one.titles);
    }
    assert.deepEqual(paged, all.titles);
    // Another ordering reads the same matches in its own order.
    const byPrice = await list({ search: 'javscript', ordering: '-price' });
    assert.equal(byPrice.count, 3);
    assert.deepEqual(byPrice.titles, ['Modern JavaScript', 'JavaScript Fundamentals', 'JavaScript Fundamentals']);
    assert.deepEqual(byPrice.categories, all.categories);
    // A facet filter narrows the fallback like the ranked search.
    const designOnly = await list({ search: 'javscript', category: 'design' });
    assert.equal(designOnly.count, 1);
    assert.deepEqual(designOnly.categories, { development: 2, design: 1 });
  });

  it('counts a course matched through its title and its instructor once', async () => {
    // "Maximilian Cooks" matches through its title and Maximilian's name; his other course through the name only.
    const found = await list({ search: 'Maximillian' });
    assert.equal(found.count, 2);
    assert.deepEqual([...found.titles].sort(), ['JavaScript Fundamentals', 'Maximilian Cooks']);
  });

  it('follows the catalog: a publish, a title edit and an unpublish show at once', async () => {
    const created = await t.api.post(
      '/courses/',
      {
        title: 'Kubernetes Deep Dive',
        short_description: 'Short',
        description: 'A long description.',
        category_id: development,
        price: 49.99,
        thumbnail: 'https://images.example.com/x.jpg',
      },
      { token: teacher },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    const section = await t.api.post(`/courses/${id}/sections/`, { title: 'Basics' }, { token: teacher });
    const lesson = await t.api.post(
      `/courses/${id}/sections/${section.body.id}/lessons/`,
      { title: 'Intro', duration_minutes: 5 },
      { token: teacher },
    );
    assert.equal(lesson.status, 201, JSON.stringify(lesson.body));
    assert.deepEqual(await titles('kubrenetes'), [], 'a draft never matches');

    const published = await t.api.post(`/courses/${id}/publish/`, undefined, { token: teacher });
    assert.equal(published.status, 200, JSON.stringify(published.body));
    assert.deepEqual(await titles('kubrenetes'), ['Kubernetes Deep Dive']);

    const renamed = await t.api.patch(`/courses/${id}/`, { title: 'Terraform Deep Dive' }, { token: teacher });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    assert.deepEqual(await titles('kubrenetes'), []);
    assert.deepEqual(await titles('terrafrom'), ['Terraform Deep Dive']);

    const unpublished = await t.api.post(`/courses/${id}/unpublish/`, undefined, { token: teacher });
    assert.equal(unpublished.status, 200, JSON.stringify(unpublished.body));
    assert.deepEqual(await titles('terrafrom'), []);
  });

  it('finds nothing for a search like no phrase, with empty facets', async () => {
    const none = await list({ search: 'qwxzvbn' });
    assert.equal(none.count, 0);
    assert.deepEqual(none.titles, []);
    assert.deepEqual(none.categories, {});
  });
});
