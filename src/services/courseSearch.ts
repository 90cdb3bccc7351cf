import type { Knex } from 'knex';
import type { Deps } from '../deps';
import { type ErrorDetails, validationError } from '../errors';
import type { operations } from '../generated/api';
import type { Schemas } from '../schemas';
import { withTransaction } from '../db/transaction';
import { type PageRequest, type PageSlice, pageRequest, pageSlice } from '../pagination';
import { catalogFacets, courseListItem } from '../presenters/courses';
import {
  type CatalogFilters,
  type FacetRow,
  type Ordering,
  pageQuery,
  runFacets,
  sortSpec,
  useFuzzyThreshold,
} from '../repositories/courseSearch';
import { findCategoryId } from '../repositories/categories';
import { type CourseListRow, type Level, LEVELS, selectListRows } from '../repositories/courses';
import { viewerFlags } from '../repositories/viewerState';
import type { Db } from '../db/knex';

/** The query of listCourses after the contract's validation and coercion. */
export type CatalogQuery = NonNullable<operations['listCourses']['parameters']['query']>;

/** `beginner`, `ALL-LEVELS`, `all_levels` → the stored level; undefined when it is none of them. */
export function parseLevel(value: string): Level | undefined {
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  return LEVELS.find((level) => level.toLowerCase() === key);
}

// Inclusive dollar bounds to cents: a bound between two cents keeps only the prices really inside it. Bounds
// beyond any price are clamped to the price column's range (an integer), where they mean the same.
const PRICE_CENTS_MAX = 2_147_483_647;
const minCents = (amount: number): number => Math.min(Math.ceil(amount * 100 - 1e-6), PRICE_CENTS_MAX);
const maxCents = (amount: number): number => Math.min(Math.floor(amount * 100 + 1e-6), PRICE_CENTS_MAX);

async function normalizeFilters(db: Knex, q: CatalogQuery): Promise<CatalogFilters> {
  const errors: ErrorDetails = {};
  const f: CatalogFilters = {};
  if (q.level !== undefined) {
    f.level = parseLevel(q.level);
    if (!f.level) errors.level = [`Must be one of: ${LEVELS.join(', ')}.`];
  }
  if (q.min_price !== undefined && q.max_price !== undefined && q.min_price > q.max_price) {
    errors.min_price = ['Must not be greater than max_price.'];
  }
  if (Object.keys(errors).length > 0) throw validationError(errors);

  if (q.min_price !== undefined) f.minPriceCents = minCents(q.min_price);
  if (q.max_price !== undefined) f.maxPriceCents = maxCents(q.max_price);
  if (q.is_free !== undefined) f.isFree = q.is_free;
  if (q.rating_min !== undefined) f.ratingMinTenths = Math.ceil(q.rating_min * 10 - 1e-6);
  if (q.language !== undefined) f.language = q.language.trim();
  if (q.instructor !== undefined) f.instructorId = q.instructor;
  const search = q.search?.trim();
  if (search) f.search = { text: search, mode: 'ranked' };
  if (q.category !== undefined) f.categoryId = (await findCategoryId(db, q.category.trim())) ?? null;
  return f;
}

interface Pass {
  facets: FacetRow[];
  rows: CourseListRow[];
}

async function runPass(db: Db, f: CatalogFilters, ordering: Ordering, page: PageRequest): Promise<Pass> {
  const sort = sortSpec(db, ordering, f.search);
  const order = [
    { column: 's0', dir: sort.keyDir },
    { column: 'id', dir: sort.idDir },
  ];
  const [facets, rows] = await Promise.all([
    runFacets(db, f),
    selectListRows(db, pageQuery(db, f, sort, page.pageSize, page.offset), order),
  ]);
  return { facets, rows };
}

/**
 * The public catalog. The total comes from the same single aggregate as the facets (which must scan every match
 * anyway), so the page itself is a plain index-ordered LIMIT/OFFSET that stops after its rows: no count(*) OVER ()
 * forcing every match through the sort, and no capped count making total_pages wrong. A search the ranked
 * full-text pass finds nothing for is tried again with trigram similarity, for typos.
 */
export async function listCourses(
  deps: Deps,
  viewerId: string | null,
  q: CatalogQuery,
): Promise<PageSlice<Schemas['CatalogCourseListPage']['results'][number]> & Pick<Schemas['CatalogCourseListPage'], 'facets'>> {
  const page = pageRequest(q);
  const filters = await normalizeFilters(deps.db, q);
  const ordering = q.ordering ?? (filters.search ? 'relevance' : '-popularity');
  let pass = await runPass(deps.db, filters, ordering, page);
  let summary = catalogFacets(pass.facets);
  if (filters.search && summary.count === 0) {
    const fuzzy: CatalogFilters = { ...filters, search: { text: filters.search.text, mode: 'fuzzy' } };
    pass = await withTransaction(deps.db, async (trx) => {
      await useFuzzyThreshold(trx);
      return runPass(trx, fuzzy, ordering, page);
    });
    summary = catalogFacets(pass.facets);
  }
  const flags = await viewerFlags(
    deps.db,
    viewerId,
    pass.rows.map((r) => r.id),
  );
  const now = Date.now();
  const results = pass.rows.map((row) => courseListItem(row, flags.get(row.id), now));
  return { ...pageSlice(results, summary.count, page), facets: summary.facets };
}
