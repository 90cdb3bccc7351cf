import type { Context } from 'openapi-backend';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Page, PageSlice } from '../pagination';

/** The operation's path with the request's path parameters in it (`/courses/{course_id}/reviews/` → the course's). */
function requestPath(c: Context): string {
  const params = c.request.params as Record<string, string>;
  return (c.operation?.path ?? c.request.path).replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? '');
}

/**
 * Wraps one page of results with count, total_pages and absolute next/previous links (the public base URL, the
 * operation's path, the given query without `page`, then `page`). A page past the last one is 404
 * PAGE_NOT_FOUND; page 1 of an empty list is an empty page.
 */
export function pageBody<T>(c: Context, deps: Deps, slice: PageSlice<T>, linkQuery: Record<string, unknown> = c.request.query): Page<T> {
  const totalPages = Math.ceil(slice.count / slice.pageSize);
  if (slice.page > 1 && slice.page > totalPages) throw new AppError('PAGE_NOT_FOUND');
  const url = (page: number): string => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(linkQuery)) {
      if (value !== undefined && value !== null && key !== 'page') params.set(key, String(value));
    }
    params.set('page', String(page));
    return `${deps.config.publicBaseUrl}${requestPath(c)}?${params.toString()}`;
  };
  return {
    count: slice.count,
    next: slice.page < totalPages ? url(slice.page + 1) : null,
    previous: slice.page > 1 ? url(slice.page - 1) : null,
    total_pages: totalPages,
    current_page: slice.page,
    results: slice.results,
  };
}
