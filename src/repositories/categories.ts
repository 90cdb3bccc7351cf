import type { Db } from '../db/knex';
import { param, runReadShape } from '../db/sqlShapes';

export interface CategoryRow {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  course_count: number;
}

/**
 * Every category by name with its number of published courses (0 included), summed from catalog_facet_counts
 * (kept exact by triggers) rather than by aggregating every published course on each request.
 */
export function listCategoriesWithCounts(db: Db): Promise<CategoryRow[]> {
  const counts = db('catalog_facet_counts').select('category_id').sum({ n: 'courses' }).groupBy('category_id').as('fc');
  return db({ cat: 'categories' })
    .leftJoin(counts, 'fc.category_id', 'cat.id')
    .orderBy('cat.name')
    .select('cat.id', 'cat.name', 'cat.slug', 'cat.description', db.raw('coalesce(fc.n, 0)::int AS course_count')) as unknown as Promise<
    CategoryRow[]
  >;
}

/** A category's id from its name (citext: any case) or its slug (stored lowercase). */
export async function findCategoryId(db: Db, nameOrSlug: string): Promise<string | undefined> {
  const [row] = await runReadShape<{ id: string }>(
    db,
    'category id by name or slug',
    () => db('categories').where('name', param('name')).orWhere('slug', param('slug')).first('id'),
    { name: nameOrSlug, slug: nameOrSlug.toLowerCase() },
  );
  return row?.id;
}

export async function categoryExists(db: Db, id: string): Promise<boolean> {
  return (await db('categories').where({ id }).first('id')) !== undefined;
}
