import type { NextFunction, Request, Response } from 'express';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { isStaff } from '../repositories/users';

/** The cookie a browser carries into the dashboard: an access token, set by POST /admin/login (./staffLogin.ts). */
export const STAFF_COOKIE = 'lf_staff';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    // A malformed escape is a bad token (401 from verifyAccess), not a URIError that would surface as a 500.
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return value.join('=');
    }
  }
  return undefined;
}

/**
 * Lets staff through, with the API's own access token: `Authorization: Bearer` (scripts, tests) or the
 * STAFF_COOKIE (a browser). No token: 401 AUTHENTICATION_REQUIRED; a bad one: 401 TOKEN_INVALID; a valid token
 * of someone who is not staff: 403 PERMISSION_DENIED (the 401 already tells that the path exists, so a 404
 * would hide nothing). Staff is read from the database on every request, so revoking it takes effect at once.
 */
export function staffOnly(deps: Deps) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? cookieValue(req.headers.cookie, STAFF_COOKIE);
    if (!token) {
      next(new AppError('AUTHENTICATION_REQUIRED'));
      return;
    }
    (async () => {
      const user = deps.tokens.verifyAccess(token);
      const staff = UUID.test(user.id) ? await isStaff(deps.db, user.id) : undefined;
      if (staff === undefined) throw new AppError('TOKEN_INVALID');
      if (!staff) throw new AppError('PERMISSION_DENIED');
      // Staff pages are personal: never cached by a proxy or the browser.
      res.setHeader('Cache-Control', 'no-store');
      next();
    })().catch(next);
  };
}
