import { AppError, ErrorDetails, validationError } from '../errors';
import { pageRequest, PageRequest } from '../pagination';

/**
 * PostgreSQL text cannot hold U+0000, so a string carrying one would fail in the database (a 500); it is refused
 * up front as invalid input instead. Looks into arrays of strings (`outcomes.2`).
 */
export function rejectNulCharacters(fields: object): void {
  const details: ErrorDetails = {};
  for (const [name, value] of Object.entries(fields)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    values.forEach((v, i) => {
      if (typeof v === 'string' && v.includes('\u0000')) details[Array.isArray(value) ? `${name}.${i}` : name] = ['Null characters are not allowed.'];
    });
  }
  if (Object.keys(details).length > 0) throw validationError(details);
}

/** page and page_size, where an offset beyond any possible table (a 64-bit overflow in SQL) is simply past the end. */
export function checkedPageRequest(query: { page?: number; page_size?: number }): PageRequest {
  const page = pageRequest(query);
  if (!Number.isSafeInteger(page.offset)) throw new AppError('PAGE_NOT_FOUND', 'Invalid page.');
  return page;
}
