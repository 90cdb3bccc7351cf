import { LearnFlowError } from './errors';

/** The shape of every paginated list of the contract. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

type PageResult<T> = { data?: Page<T>; error?: unknown; response: Response };

/**
 * Yields page after page (1, 2, ...) until `next` is null:
 * `for await (const page of pages((page) => api.GET('/courses/', { params: { query: { page } } })))`.
 */
export async function* pages<T>(fetchPage: (page: number) => Promise<PageResult<T>>): AsyncGenerator<Page<T>> {
  for (let page = 1; ; page++) {
    const { data, error, response } = await fetchPage(page);
    if (error !== undefined || !data) throw new LearnFlowError(response.status, error);
    yield data;
    if (!data.next || data.results.length === 0) return;
  }
}

/** Every item of every page, in order (for short lists: it loads them all). */
export async function allItems<T>(fetchPage: (page: number) => Promise<PageResult<T>>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages(fetchPage)) items.push(...page.results);
  return items;
}
