import type { Context } from 'openapi-backend';
import type { AuthUser } from '../auth/tokens';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { userExists } from '../repositories/users';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The bearerAuth security handler: a valid access token of a user that still exists becomes the request's
 * AuthUser. The signature alone cannot tell that the account was deleted since the token was issued; one
 * primary-key lookup can, and it turns what would be a foreign-key violation (a 500) on cart, wishlist or
 * enrollment writes into the 401 the client can act on.
 */
export function bearerAuth(deps: Deps) {
  return async (c: Context): Promise<AuthUser | undefined> => {
    const header = c.request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    // No credentials is not an error on the operations where authentication is optional (the catalog's anonymous
    // traffic): a falsy result fails the scheme without building an Error and its stack on every request, and
    // unauthorizedError() answers AUTHENTICATION_REQUIRED where the operation requires it.
    if (!value) return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(value);
    if (!match) throw new AppError('TOKEN_INVALID');
    const user = deps.tokens.verifyAccess(match[1] as string);
    if (!UUID.test(user.id) || !(await userExists(deps.db, user.id))) {
      throw new AppError('TOKEN_INVALID');
    }
    return user;
  };
}

/** Why bearerAuth refused the request: an AppError (401), or an infrastructure failure to rethrow as it is. */
function securityError(c: Context): unknown {
  const result = (c.security as Record<string, unknown> | undefined)?.bearerAuth as { error?: unknown } | undefined;
  return result && typeof result === 'object' && 'error' in result ? result.error : undefined;
}

/**
 * On operations where authentication is optional, a token that is present but bad is still an error
 * (401), so a client with an expired token learns to refresh instead of silently seeing the anonymous view.
 */
export function rejectBadOptionalToken(c: Context): void {
  const error = securityError(c);
  if (error !== undefined && (c.request.headers.authorization || !(error instanceof AppError))) throw error;
}

/** The AppError to answer (401), or the database failure met while checking the token (thrown as it is). */
export function unauthorizedError(c: Context): unknown {
  return securityError(c) ?? new AppError('AUTHENTICATION_REQUIRED');
}

/** The authenticated user of an operation that requires bearerAuth. */
export function requireUser(c: Context): AuthUser {
  const user = (c.security as Record<string, unknown> | undefined)?.bearerAuth as AuthUser | undefined;
  if (!user || typeof user.id !== 'string') throw new AppError('AUTHENTICATION_REQUIRED');
  return user;
}

/** The user of an optionally authenticated operation, or null for an anonymous viewer. */
export function optionalUser(c: Context): AuthUser | null {
  const user = (c.security as Record<string, unknown> | undefined)?.bearerAuth as AuthUser | { error: unknown } | undefined;
  return user && 'id' in user ? user : null;
}
