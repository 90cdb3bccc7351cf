import type { Context } from 'openapi-backend';
import type { AuthUser } from '../auth/tokens';
import type { Deps } from '../deps';
import { AppError } from '../errors';

/** The bearerAuth security handler: a valid access token becomes the request's AuthUser. */
export function bearerAuth(deps: Deps) {
  return (c: Context): AuthUser => {
    const header = c.request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    if (!value) throw new AppError('AUTHENTICATION_REQUIRED', 'Authentication credentials were not provided.');
    const match = /^Bearer\s+(\S+)$/i.exec(value);
    if (!match) throw new AppError('TOKEN_INVALID', 'Token is invalid or expired');
    return deps.tokens.verifyAccess(match[1] as string);
  };
}

function securityError(c: Context): AppError | undefined {
  const result = (c.security as Record<string, unknown> | undefined)?.bearerAuth as { error?: unknown } | undefined;
  return result?.error instanceof AppError ? result.error : undefined;
}

/**
 * On operations where authentication is optional, a token that is present but bad is still an error
 * (401), so a client with an expired token learns to refresh instead of silently seeing the anonymous view.
 */
export function rejectBadOptionalToken(c: Context): void {
  if (c.request.headers.authorization && securityError(c)) throw securityError(c);
}

export function unauthorizedError(c: Context): AppError {
  return securityError(c) ?? new AppError('AUTHENTICATION_REQUIRED', 'Authentication credentials were not provided.');
}

/** The authenticated user of an operation that requires bearerAuth. */
export function requireUser(c: Context): AuthUser {
  const user = (c.security as Record<string, unknown> | undefined)?.bearerAuth as AuthUser | undefined;
  if (!user || typeof user.id !== 'string') throw new AppError('AUTHENTICATION_REQUIRED', 'Authentication credentials were not provided.');
  return user;
}

/** The user of an optionally authenticated operation, or null for an anonymous viewer. */
export function optionalUser(c: Context): AuthUser | null {
  const user = (c.security as Record<string, unknown> | undefined)?.bearerAuth as AuthUser | { error: unknown } | undefined;
  return user && 'id' in user ? user : null;
}
