import type { Knex } from 'knex';
import type { Deps } from '../deps';
import { type ErrorDetails, validationError } from '../errors';
import type { operations } from '../generated/api';
import type { Schemas } from '../schemas';
import { type PageRequest, type PageSlice, pageRequest, pageSlice } from '../pagination';
import { catalogFacets, courseListItem } from '../presenters/courses';
import {
  anchorable,
  type CatalogFilters,
  type CatalogShape,
  catalogShape,
  type FacetRow,
  facetDimensionsOnly,
  findFuzzyPhrases,
  type Ordering,
  readAnchoredPage,
  readPage,
  rankedSearchOnFacetDimensions,
  readPageAtVersion,
  runFacets,
} from '../repositories/courseSearch';
import { findCategoryId } from '../repositories/categories';
import { type CourseListRow, type Level, LEVELS } from '../repositories/courses';
import { type CatalogVersions, cachedFacets, cacheFacets, type FacetSpace, type FacetSummary, isCurrent } from './catalogFacetCache';
import { type CachedAnchor, cacheAnchor, cachedAnchor } from './catalogPageAnchors';
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
  summary: FacetSummary;
  rows: CourseListRow[];
}

async function runPass(db: Db, f: CatalogFilters, ordering: Ordering, page: PageRequest): Promise<Pass> {
  const shape = catalogShape(f);
  const [facets, rows] = await Promise.all([runFacets(db, shape), readPage(db, shape, ordering, page.pageSize, page.offset)]);
  return { summary: catalogFacets(facets), rows };
}

interface KnownFacets {
  versions: CatalogVersions;
  summary: FacetSummary;
}

/** Computes the facets of a cacheable list and caches them under the catalog versions their statement saw. */
async function loadFacets(db: Db, space: FacetSpace, shape: CatalogShape, key: string): Promise<KnownFacets> {
  const rows = await runFacets(db, shape);
  // The grouping sets always yield the total's row, so there is a first row.
  const first = rows[0] as FacetRow;
  const known = { versions: { catalog: first.catalog_version, search: first.catalog_search_version }, summary: catalogFacets(rows) };
  cacheFacets(db, space, key, known.versions, known.summary);
  return known;
}

/** The versions a page statement saw (readPageAtVersion, readAnchoredPage). */
const seenBy = (read: { catalogVersion: number; searchVersion: number }): CatalogVersions => ({
  catalog: read.catalogVersion,
  search: read.searchVersion,
});

/** The page rows and the catalog version of their statement; from the end of the ordering when `total` is given. */
function pageAtVersion(db: Db, shape: CatalogShape, ordering: Ordering, page: PageRequest, total?: number) {
  if (total === undefined) return readPageAtVersion(db, shape, ordering, page.pageSize, page.offset, false);
  const fromEnd = total - page.offset - page.pageSize;
  return readPageAtVersion(db, shape, ordering, page.pageSize + Math.min(fromEnd, 0), Math.max(fromEnd, 0), true);
}

/**
 * A list filtered on facet dimensions only (the default list first of all): its facets and total are the same for
 * every visitor until the catalog changes, so they come from the per-version cache, checked against the version
 * the page's own statement reads. With a total of that version known beforehand, a page past the middle is read
 * from the end of the ordering (a deep page costs what a shallow one does). A version the cache does not hold
 * (a change since, from this process or another) recomputes the facets, and a page read from the end with the
 * old total is read again from the start, which is right whatever the total.
 * A page served before (offset > 0) is first read as a seek from the row it started with then, kept only if the
 * statement saw the same catalog and order versions (otherwise the usual read follows and re-anchors the page):
 * page 1000 of the default list then reads about 40 index entries instead of skipping 19,980.
 */
async function runFacetOnlyPass(db: Db, f: CatalogFilters, ordering: Ordering, page: PageRequest): Promise<Pass> {
  const key = JSON.stringify(f);
  const shape = catalogShape(f);
  let known = cachedFacets(db, 'browse', key) ?? (await loadFacets(db, 'browse', shape, key));
  const anchorKey = page.offset > 0 && anchorable(ordering) ? `${ordering} ${page.pageSize} ${page.offset} ${key}` : undefined;
  const anchor = anchorKey === undefined ? undefined : cachedAnchor(db, anchorKey);
  let read = anchor && (await anchoredPage(db, shape, ordering, page, anchor));
  if (read) {
    if (!isCurrent('browse', known.versions, seenBy(read))) known = await loadFacets(db, 'browse', shape, key);
    return { summary: known.summary, rows: read.rows };
  }
  const total = known.summary.count;
  const fromEnd = page.offset < total && page.offset * 2 > total;
  read = await pageAtVersion(db, shape, ordering, page, fromEnd ? total : undefined);
  if (!isCurrent('browse', known.versions, seenBy(read))) {
    known = await loadFacets(db, 'browse', shape, key);
    if (fromEnd) read = await pageAtVersion(db, shape, ordering, page);
  }
  if (anchorKey !== undefined && read.firstKey) {
    cacheAnchor(db, anchorKey, { ...read.firstKey, catalogVersion: read.catalogVersion, orderVersion: read.orderVersion });
  }
  return { summary: known.summary, rows: read.rows };
}

/**
 * A ranked search filtered otherwise on facet dimensions only: its facets and total are the same for every visitor
 * until the catalog or a published course's text changes, so they come from the per-version cache, checked against
 * the catalog and search versions the page's own statement reads (a popular search then costs its page alone).
 * Uncached, the facets and the page run at once, as runPass does, and the facets are kept for the next request.
 */
async function runSearchPass(db: Db, f: CatalogFilters, ordering: Ordering, page: PageRequest): Promise<Pass> {
  const key = JSON.stringify(f);
  const shape = catalogShape(f);
  const known = cachedFacets(db, 'search', key);
  if (!known) {
    const [loaded, rows] = await Promise.all([
      loadFacets(db, 'search', shape, key),
      readPage(db, shape, ordering, page.pageSize, page.offset),
    ]);
    return { summary: loaded.summary, rows };
  }
  const read = await readPageAtVersion(db, shape, ordering, page.pageSize, page.offset, false);
  const current = isCurrent('search', known.versions, seenBy(read));
  return { summary: current ? known.summary : (await loadFacets(db, 'search', shape, key)).summary, rows: read.rows };
}

/**
 * The page read as a seek from the row it started with last time (catalogPageAnchors), or undefined when the
 * statement's snapshot shows another catalog than the anchor's: then the anchor may no longer be at that offset.
 */
async function anchoredPage(db: Db, shape: CatalogShape, ordering: Ordering, page: PageRequest, anchor: CachedAnchor) {
  const read = await readAnchoredPage(db, shape, ordering, page.pageSize, anchor);
  return read.catalogVersion === anchor.catalogVersion && read.orderVersion === anchor.orderVersion ? read : undefined;
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
  let pass = facetDimensionsOnly(filters)
    ? await runFacetOnlyPass(deps.db, filters, ordering, page)
    : rankedSearchOnFacetDimensions(filters)
      ? await runSearchPass(deps.db, filters, ordering, page)
      : await runPass(deps.db, filters, ordering, page);
  if (filters.search && pass.summary.count === 0) {
    const { text } = filters.search;
    const phrases = await findFuzzyPhrases(deps.db, text);
    pass = await runPass(deps.db, { ...filters, search: { text, mode: 'fuzzy', phrases } }, ordering, page);
  }
  const flags = await viewerFlags(
    deps.db,
    viewerId,
    pass.rows.map((r) => r.id),
  );
  const now = Date.now();
  const results = pass.rows.map((row) => courseListItem(row, flags.get(row.id), now));
  // Extended in place, not spread into a new literal (see courseListItem in src/presenters/courses.ts).
  return Object.assign(pageSlice(results, pass.summary.count, page), { facets: pass.summary.facets });
}
