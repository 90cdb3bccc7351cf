/** Postgres error codes the services act on; translated in one place instead of string-matching at call sites. */
export const PG = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  INVALID_TEXT_REPRESENTATION: '22P02',
} as const;

interface PgError {
  code?: string;
  constraint?: string;
}

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

/** Node socket errors of a database that is down or restarting. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True when `err` says the database cannot be reached right now (down, restarting, shutting down, pool timed
 * out), as opposed to a query it refused: the client should retry later (503), nothing it sent was wrong.
 * Class 08 is connection exceptions; 57P01-57P03 are admin shutdown, crash shutdown and "cannot connect now";
 * 53300 is "too many connections" (every slot of max_connections taken, e.g. by many processes scaled out at once).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = pgCode(err);
  if (
    code &&
    (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300' || UNREACHABLE.has(code))
  )
    return true;
  const { name, message } = err as { name?: string; message?: string };
  if (name === 'KnexTimeoutError') return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)
  );
}
