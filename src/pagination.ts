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
 * One page as a service returns it: the rows, the total and the page asked for. Links are HTTP, so the handler
 * turns it into the contract's page (src/api/pages.ts) from the request it answers.
 */
export interface PageSlice<T> {
  results: T[];
  count: number;
  page: number;
  pageSize: number;
}

export function pageSlice<T>(results: T[], count: number, req: PageRequest): PageSlice<T> {
  return { results, count, page: req.page, pageSize: req.pageSize };
}
