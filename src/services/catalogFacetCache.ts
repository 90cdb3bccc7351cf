import type { Schemas } from '../schemas';
import type { Db } from '../db/knex';

/** What a facet-only catalog list shares with every visitor: the total and the facets. */
export interface FacetSummary {
  count: number;
  facets: Schemas['CatalogFacets'];
}

interface VersionEntries {
  version: number;
  byFilters: Map<string, FacetSummary>;
}

/** Distinct facet-only filter combinations kept per version (a browse uses a few dozen; a crawler cannot grow it). */
const MAX_ENTRIES = 500;

/**
 * The facets and totals of lists filtered on facet dimensions only (the unfiltered catalog first of all), per
 * catalog version (db/migrations/20261203030000_create_catalog_version.ts), in this process. An entry is only
 * ever used by a request whose own page statement read the same version, so it is never stale, whichever API
 * process made the change: a newer version simply misses, and the entries of older ones are dropped.
 * Keyed by the knex instance: each app instance (deps) keeps its own.
 */
const caches = new WeakMap<Db, VersionEntries>();

/** The latest cached summary for these filters, whatever its version: the caller checks the version. */
export function cachedFacets(db: Db, key: string): { version: number; summary: FacetSummary } | undefined {
  const entries = caches.get(db);
  const summary = entries?.byFilters.get(key);
  return entries && summary ? { version: entries.version, summary } : undefined;
}

export function cacheFacets(db: Db, key: string, version: number, summary: FacetSummary): void {
  let entries = caches.get(db);
  if (entries && entries.version > version) return;
  if (!entries || entries.version < version) {
    entries = { version, byFilters: new Map() };
    caches.set(db, entries);
  }
  if (entries.byFilters.size >= MAX_ENTRIES) entries.byFilters.clear();
  entries.byFilters.set(key, summary);
}
