/** Postgres error codes the services act on; translated in one place instead of string-matching at call sites. */
export const PG = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  INVALID_TEXT_REPRESENTATION: '22P02',
} as const;

interface PgError { code?: string; constraint?: string }

export function pgCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as PgError).code : undefined;
}

/** True when `err` is a unique violation, optionally of one named constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (pgCode(err) !== PG.UNIQUE_VIOLATION) return false;
  return constraint === undefined || (err as PgError).constraint === constraint;
}

export function isRetryable(err: unknown): boolean {
  const code = pgCode(err);
  return code === PG.SERIALIZATION_FAILURE || code === PG.DEADLOCK_DETECTED;
}
