import type { Db } from '../db/knex';
import type { PageAnchor } from '../repositories/courseSearch';

/** Where one page of one facet-only list started, in the catalog the two versions name. */
export interface CachedAnchor extends PageAnchor {
  catalogVersion: number;
  orderVersion: number;
}

/** Pages remembered per process (a crawler walking every page cannot grow it past this; it starts over). */
const MAX_ANCHORS = 5000;

/**
 * The first row of the deep pages of facet-only lists already served, per page (filters, ordering, page size,
 * offset), so that the same page is read again as an index seek from that row instead of an OFFSET that walks
 * every match before it. An anchor is used only when the page statement's own snapshot shows the same
 * catalog_version and order_version it was taken at (the statement reads them): the same published courses with
 * the same filter columns and sort keys, hence the same order, so the anchor is still the row at that offset.
 * Otherwise the caller reads the page the usual way. Keyed by the knex instance, as the facet cache.
 */
const caches = new WeakMap<Db, Map<string, CachedAnchor>>();

export function cachedAnchor(db: Db, key: string): CachedAnchor | undefined {
  return caches.get(db)?.get(key);
}

export function cacheAnchor(db: Db, key: string, anchor: CachedAnchor): void {
  let anchors = caches.get(db);
  if (!anchors) {
    anchors = new Map();
    caches.set(db, anchors);
  }
  if (anchors.size >= MAX_ANCHORS) anchors.clear();
  anchors.set(key, anchor);
}
