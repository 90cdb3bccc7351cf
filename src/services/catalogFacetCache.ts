import type { Schemas } from '../schemas';
import type { Db } from '../db/knex';

/** What every visitor of one catalog list shares: the total and the facets. */
export interface FacetSummary {
  count: number;
  facets: Schemas['CatalogFacets'];
}

/** Counters of the catalog_version row, as one statement saw them. */
export interface CatalogVersions {
  /** catalog_version.version: publication, category, level, language and price of courses, category names. */
  catalog: number;
  /** catalog_version.search_version: the search vectors of published courses. */
  search: number;
}

/**
 * Which lists a summary belongs to, and so which counters it depends on:
 * - `browse`: filtered on facet dimensions only (the default list first of all), answered from
 *   catalog_facet_counts: catalog_version alone (db/migrations/20261203030000_create_catalog_version.ts);
 * - `search`: a ranked search otherwise filtered on facet dimensions only: catalog_version and search_version
 *   (db/migrations/20261206010000_add_catalog_search_version.ts), since a course's text decides whether it matches.
 * Each has its own entries, so searches (whose keys hold client text) never push the browse entries out.
 */
export type FacetSpace = 'browse' | 'search';

interface VersionEntries {
  versions: CatalogVersions;
  byFilters: Map<string, FacetSummary>;
}

/** Distinct filter combinations kept per space and version (a browse uses a few dozen; a crawler cannot grow it). */
const MAX_ENTRIES = 500;

/** The counters a space depends on; the others read as 0, so a change they follow never misses a browse entry. */
const relevant = (space: FacetSpace, seen: CatalogVersions): CatalogVersions =>
  space === 'search' ? seen : { catalog: seen.catalog, search: 0 };

// Both counters move under the same row lock in commit order, so the versions any two snapshots saw are ordered
// the same way by both: comparing one counter and then the other is their order.
const compare = (a: CatalogVersions, b: CatalogVersions): number => a.catalog - b.catalog || a.search - b.search;

/**
 * The summaries of cacheable lists, per space and per version, in this process. An entry is only ever used by a
 * request whose own page statement read the same versions (isCurrent), so it is never stale, whichever API process
 * made the change: a newer version simply misses, and the entries of older ones are dropped.
 * Keyed by the knex instance: each app instance (deps) keeps its own.
 */
const caches = new WeakMap<Db, Record<FacetSpace, VersionEntries | undefined>>();

/** The latest cached summary for these filters, whatever its versions: the caller checks them with isCurrent. */
export function cachedFacets(db: Db, space: FacetSpace, key: string): { versions: CatalogVersions; summary: FacetSummary } | undefined {
  const entries = caches.get(db)?.[space];
  const summary = entries?.byFilters.get(key);
  return entries && summary ? { versions: entries.versions, summary } : undefined;
}

export function cacheFacets(db: Db, space: FacetSpace, key: string, seen: CatalogVersions, summary: FacetSummary): void {
  let spaces = caches.get(db);
  if (!spaces) {
    spaces = { browse: undefined, search: undefined };
    caches.set(db, spaces);
  }
  const versions = relevant(space, seen);
  let entries = spaces[space];
  if (entries && compare(entries.versions, versions) > 0) return;
  if (!entries || compare(entries.versions, versions) < 0) {
    entries = { versions, byFilters: new Map() };
    spaces[space] = entries;
  }
  if (entries.byFilters.size >= MAX_ENTRIES) entries.byFilters.clear();
  entries.byFilters.set(key, summary);
}

/** Whether a summary cached under `cached` holds for a statement that saw `seen`. */
export function isCurrent(space: FacetSpace, cached: CatalogVersions, seen: CatalogVersions): boolean {
  return compare(cached, relevant(space, seen)) === 0;
}
