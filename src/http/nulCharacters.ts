import type { NextFunction, Request, Response } from 'express';
import { ErrorDetails, validationError } from '../errors';

/** Dotted paths (`billing_address.city`, `outcomes.2`) of every string under `value` that holds U+0000. */
function nulPaths(value: unknown, path: string, found: string[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(path || 'non_field_errors');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulPaths(v, path ? `${path}.${i}` : String(i), found));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nulPaths(v, path ? `${path}.${k}` : k, found);
  }
}

/**
 * PostgreSQL text cannot hold U+0000, so any string carrying one would fail in the database as a 500. Refuse it
 * for every operation at once, as a validation error on the field, before any handler runs. The Stripe webhook
 * is exempt: its bytes are checked by signature, not by us.
 */
export function rejectNulCharacters(exempt: Set<string>) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (exempt.has(req.path)) return next();
    const found: string[] = [];
    nulPaths(req.body, '', found);
    nulPaths(req.query, '', found);
    if (found.length === 0) return next();
    const details: ErrorDetails = {};
    for (const path of found) details[path] = ['Null characters are not allowed.'];
    next(validationError(details));
  };
}
