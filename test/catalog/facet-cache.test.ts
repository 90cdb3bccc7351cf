import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createApp } from '../../src/app';
import { buildDeps, closeDeps } from '../../src/bootstrap';
import type { Deps } from '../../src/deps';
import { ApiClient } from '../support/client';
import { insertCourse, insertInstructor, upsertCategory } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';

/**
 * The facets and total of lists filtered on facet dimensions only are cached per catalog version: every catalog
 * change made through the API shows in the very next list, from the instance that made it and from another
 * instance over the same database (its own cache, as another process of a cluster has).
 */
let teacher: string;
let development: string;
let design: string;

const t = useTestServer({}, async () => {
  const instructorId = await insertInstructor(t.db, { first: 'Angela', last: 'Yu' });
  teacher = t.deps.tokens.signAccess(instructorId);
  development = await upsertCategory(t.db, 'Development');
  design = await upsertCategory(t.db, 'Design');
  for (const title of ['Cached One', 'Cached Two']) await insertCourse(t.db, { title, instructorId, priceCents: 1999 });
  // A second app instance over the same database, with deps (and so a facet cache) of its own.
  const deps = buildDeps(t.config);
  const server = http.createServer(createApp(deps));
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  other = { api: new ApiClient(`http://127.0.0.1:${port}`), deps, server };
});

let other: { api: ApiClient; deps: Deps; server: http.Server };

after(async () => {
  if (!other) return;
  other.server.closeAllConnections();
  await new Promise<void>((resolve) => other.server.close(() => resolve()));
  await closeDeps(other.deps);
});

interface Summary {
  count: number;
  categories: Record<string, number>;
  bands: Record<string, number>;
}

async function summary(api: ApiClient, query: Record<string, string> = {}): Promise<Summary> {
  const res = await api.get('/courses/', { query });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const { count, facets } = res.body as any;
  return {
    count,
    categories: Object.fromEntries(facets.categories.map((c: any) => [c.value, c.count])),
    bands: Object.fromEntries(facets.price_bands.filter((b: any) => b.count > 0).map((b: any) => [b.value, b.count])),
  };
}

/** Both instances, twice each (the second read is the cached one). */
async function everywhere(query: Record<string, string> = {}): Promise<Summary> {
  const seen = [];
  for (const api of [t.api, other.api, t.api, other.api]) seen.push(await summary(api, query));
  for (const s of seen.slice(1)) assert.deepEqual(s, seen[0]);
  return seen[0] as Summary;
}

async function publishable(title: string): Promise<string> {
  const res = await t.api.post(
    '/courses/',
    {
      title,
      short_description: 'Short',
      description: 'A long description.',
      category_id: development,
      price: 49.99,
      thumbnail: 'https://images.example.com/x.jpg',
    },
    { token: teacher },
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const section = await t.api.post(`/courses/${res.body.id}/sections/`, { title: 'Basics' }, { token: teacher });
  const lesson = await t.api.post(
    `/courses/${res.body.id}/sections/${section.body.id}/lessons/`,
    { title: 'Intro', duration_minutes: 5 },
    { token: teacher },
  );
  assert.equal(lesson.status, 201, JSON.stringify(lesson.body));
  return res.body.id;
}

async function ok(res: Promise<{ status: number; body: unknown }>): Promise<void> {
  const { status, body } = await res;
  assert.equal(status, 200, JSON.stringify(body));
}

describe('cached catalog facets', () => {
  it('show a publish, a price change, a category change and an unpublish at once, on every instance', async () => {
    const courseId = await publishable('Fresh Course');
    const queries: Array<Record<string, string>> = [{}, { category: 'development' }, { level: 'beginner', ordering: 'price' }];
    for (const query of queries) await everywhere(query);
    assert.deepEqual(await everywhere(), { count: 2, categories: { development: 2 }, bands: { under_20: 2 } });

    await ok(t.api.post(`/courses/${courseId}/publish/`, undefined, { token: teacher }));
    assert.deepEqual(await everywhere(), { count: 3, categories: { development: 3 }, bands: { under_20: 2, '20_to_50': 1 } });
    assert.equal((await everywhere({ category: 'development' })).count, 3);

    await ok(t.api.patch(`/courses/${courseId}/`, { price: 150 }, { token: teacher }));
    assert.deepEqual(await everywhere(), { count: 3, categories: { development: 3 }, bands: { under_20: 2, over_100: 1 } });

    await ok(t.api.patch(`/courses/${courseId}/`, { category_id: design }, { token: teacher }));
    assert.deepEqual(await everywhere(), { count: 3, categories: { development: 2, design: 1 }, bands: { under_20: 2, over_100: 1 } });
    assert.equal((await everywhere({ category: 'development' })).count, 2);

    await ok(t.api.post(`/courses/${courseId}/unpublish/`, undefined, { token: teacher }));
    assert.deepEqual(await everywhere(), { count: 2, categories: { development: 2 }, bands: { under_20: 2 } });
    assert.equal((await everywhere({ category: 'development' })).count, 2);
  });

  it('show a renamed category at once (categories have no API: renamed in the database)', async () => {
    await everywhere();
    await t.db('categories').where({ id: development }).update({ name: 'Software', slug: 'software' });
    assert.deepEqual((await everywhere()).categories, { software: 2 });
    await t.db('categories').where({ id: development }).update({ name: 'Development', slug: 'development' });
    assert.deepEqual((await everywhere()).categories, { development: 2 });
  });

  it('reads a page past the middle from the end of the ordering, in the same order as from the start', async () => {
    const titles = async (api: ApiClient, page: number): Promise<string[]> => {
      const res = await api.get('/courses/', { query: { page_size: '1', page: String(page), ordering: 'title' } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body as any).results.map((r: any) => r.title);
    };
    await insertCourse(t.db, { title: 'Cached Three', instructorId: await insertInstructor(t.db), priceCents: 0 });
    const all = await t.api.get('/courses/', { query: { ordering: 'title' } });
    const expected = (all.body as any).results.map((r: any) => r.title);
    assert.deepEqual(expected, ['Cached One', 'Cached Three', 'Cached Two']);
    for (const api of [t.api, other.api]) {
      for (const _ of [1, 2]) assert.deepEqual([...(await titles(api, 1)), ...(await titles(api, 2)), ...(await titles(api, 3))], expected);
    }
    const past = await t.api.get('/courses/', { query: { page_size: '1', page: '4' } });
    assert.equal(past.status, 404);
  });
});

/**
 * A ranked search filtered otherwise on facet dimensions only caches its facets and total per catalog and search
 * version: a publication, price or category change (catalog_version) and an edit of a published course's title,
 * descriptions or instructor name (search_version) show in the very next search, on both instances.
 */
describe('cached search facets', () => {
  const search = (words: string, more: Record<string, string> = {}) => ({ search: words, ...more });

  it('are served from the cache on a repeated search: the facets statement runs once', async () => {
    const statements = async (): Promise<string[]> => {
      const seen: string[] = [];
      const listener = (event: { sql: string }): void => {
        seen.push(event.sql);
      };
      t.db.on('query', listener);
      try {
        const res = await t.api.get('/courses/', { query: search('cached', { max_price: '100' }) });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok((res.body as any).count > 0);
      } finally {
        t.db.off('query', listener);
      }
      return seen;
    };
    const facets = (sql: string[]): number => sql.filter((s) => s.includes('GROUPING SETS')).length;
    assert.equal(facets(await statements()), 1);
    const again = await statements();
    assert.equal(facets(again), 0);
    assert.equal(again.length, 1, 'the page with its versions, one statement');
  });

  it('show a published course whose title, short description or description now matches, on every instance', async () => {
    const words = 'photosynthesis';
    assert.equal((await everywhere(search(words))).count, 0);
    const matching = await publishable('Photosynthesis Basics');
    await ok(t.api.post(`/courses/${matching}/publish/`, undefined, { token: teacher }));
    assert.deepEqual(await everywhere(search(words)), { count: 1, categories: { development: 1 }, bands: { '20_to_50': 1 } });

    const other = await publishable('Botany Today');
    await ok(t.api.post(`/courses/${other}/publish/`, undefined, { token: teacher }));
    assert.equal((await everywhere(search(words))).count, 1);
    await ok(t.api.patch(`/courses/${other}/`, { title: 'Photosynthesis Today' }, { token: teacher }));
    assert.equal((await everywhere(search(words))).count, 2);
    await ok(t.api.patch(`/courses/${other}/`, { title: 'Botany Today' }, { token: teacher }));
    assert.equal((await everywhere(search(words))).count, 1);
    await ok(t.api.patch(`/courses/${other}/`, { short_description: 'Light into sugar: photosynthesis' }, { token: teacher }));
    assert.equal((await everywhere(search(words))).count, 2);
    await ok(
      t.api.patch(`/courses/${other}/`, { short_description: 'Plants', description: 'How photosynthesis works.' }, { token: teacher }),
    );
    assert.deepEqual(await everywhere(search(words)), { count: 2, categories: { development: 2 }, bands: { '20_to_50': 2 } });

    // Facet dimensions of a match, and a facet filter over the search.
    await ok(t.api.patch(`/courses/${other}/`, { category_id: design, price: 10 }, { token: teacher }));
    assert.deepEqual(await everywhere(search(words)), {
      count: 2,
      categories: { development: 1, design: 1 },
      bands: { under_20: 1, '20_to_50': 1 },
    });
    assert.equal((await everywhere(search(words, { category: 'design' }))).count, 1);
    await ok(t.api.post(`/courses/${matching}/unpublish/`, undefined, { token: teacher }));
    assert.deepEqual(await everywhere(search(words)), { count: 1, categories: { design: 1 }, bands: { under_20: 1 } });
    assert.equal((await everywhere(search(words, { category: 'design' }))).count, 1);
  });

  it('show an instructor renamed through the API in the very next search by name', async () => {
    const before = (await everywhere(search('Yu'))).count;
    assert.ok(before > 0);
    assert.equal((await everywhere(search('Fotheringham'))).count, 0);
    const renamed = await t.api.patch('/auth/me/', { last_name: 'Fotheringham' }, { token: teacher });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    // Every published course of the teacher but 'Cached Three', whose instructor is another Angela Yu.
    assert.equal((await everywhere(search('Fotheringham'))).count, before - 1);
    assert.equal((await everywhere(search('Yu'))).count, 1);
  });
});
