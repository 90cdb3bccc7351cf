import { AppError } from './errors';

export interface PageRequest {
  page: number;
  pageSize: number;
  offset: number;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  total_pages: number;
  current_page: number;
  results: T[];
}

/**
 * page and page_size as the contract defines them (defaults 1 and 20; the contract caps page_size at 100).
 * A page so far out that its offset is not even a safe integer (page=1e300) is simply past the end.
 */
export function pageRequest(query: { page?: number; page_size?: number }): PageRequest {
  const page = query.page ?? 1;
  const pageSize = query.page_size ?? 20;
  const offset = (page - 1) * pageSize;
  if (!Number.isSafeInteger(offset)) throw new AppError('PAGE_NOT_FOUND');
  return { page, pageSize, offset };
}

/**
 * Wraps one page of results with count, total_pages and absolute next/previous links that keep the other
 * query parameters. A page past the last one is 404 PAGE_NOT_FOUND; page 1 of an empty list is an empty page.
 */
export function toPage<T>(
  results: T[],
  count: number,
  req: PageRequest,
  link: { baseUrl: string; path: string; query: Record<string, unknown> },
): Page<T> {
  const totalPages = Math.ceil(count / req.pageSize);
  if (req.page > 1 && req.page > totalPages) throw new AppError('PAGE_NOT_FOUND');
  const url = (page: number): string => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(link.query)) {
      if (value !== undefined && value !== null && key !== 'page') params.set(key, String(value));
    }
    params.set('page', String(page));
    return `${link.baseUrl}${link.path}?${params.toString()}`;
  };
  return {
    count,
    next: req.page < totalPages ? url(req.page + 1) : null,
    previous: req.page > 1 ? url(req.page - 1) : null,
    total_pages: totalPages,
    current_page: req.page,
    results,
  };
}
