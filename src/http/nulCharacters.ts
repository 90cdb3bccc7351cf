import type { NextFunction, Request, Response } from 'express';
import { AppError, type ErrorDetails, validationError } from '../errors';

/**
 * No contract body nests anywhere near this deep; a deeper one is an attack on the walkers (this one, ajv,
 * the logger), so it is refused before any of them recurses.
 */
export const MAX_JSON_DEPTH = 32;

const tooDeep = (): AppError => new AppError('BAD_REQUEST', `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`);

/**
 * Dotted paths (`billing_address.city`, `outcomes.2`) of every string under `root` that holds U+0000. Walks with
 * an explicit stack, not recursion: a body nested thousands of levels deep must not overflow the call stack.
 */
function nulPaths(root: unknown, found: string[]): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value === 'string') {
      if (value.includes('\u0000')) found.push(path || 'non_field_errors');
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw tooDeep();
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    // Reversed so that the paths come out in document order.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i] as readonly [string, unknown];
      stack.push({ value: v, path: path ? `${path}.${k}` : k, depth: depth + 1 });
    }
  }
}

/**
 * PostgreSQL text cannot hold U+0000, so any string carrying one would fail in the database as a 500. Refuse it
 * for every operation at once, as a validation error on the field, before any handler runs. The Stripe webhook
 * is exempt: its bytes are checked by signature, not by us.
 */
export function rejectNulCharacters(exempt: Set<string>) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (exempt.has(req.path)) {
      next();
      return;
    }
    const found: string[] = [];
    try {
      nulPaths(req.body, found);
      nulPaths(req.query, found);
    } catch (err) {
      next(err);
      return;
    }
    if (found.length === 0) {
      next();
      return;
    }
    const details: ErrorDetails = Object.create(null) as ErrorDetails;
    for (const path of found) details[path] = ['Null characters are not allowed.'];
    next(validationError(details));
  };
}
