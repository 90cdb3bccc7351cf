import type { Response } from 'express';
import type { Context } from 'openapi-backend';

/**
 * Anonymous operations whose answer still belongs to one person: the token endpoints (register, login,
 * refresh) and the public certificate check (a learner's name). Everything else anonymous is catalog or health.
 */
const PERSONAL_ANONYMOUS = new Set(['registerUser', 'loginUser', 'refreshToken', 'verifyCertificate']);

/** Whether the operation can be served without a token (`security: []`, or `{}` among its alternatives). */
function allowsAnonymous(c: Context): boolean {
  const requirements = (c.operation?.security ?? []) as Record<string, unknown>[];
  return requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0);
}

/**
 * `Cache-Control: no-store` on every answer that carries tokens or personal data, decided from the operation's
 * declared security so a new authenticated operation is covered without a list: an operation that requires a
 * token, any request that presents one (the viewer's state on a course page is theirs), and the personal
 * anonymous operations above. Public catalog reads stay cacheable. Set before the handler runs, so the
 * operation's errors carry it too.
 */
export function markPersonalResponses(c: Context, res: Response): void {
  if (!allowsAnonymous(c) || c.request.headers.authorization || PERSONAL_ANONYMOUS.has(c.operation?.operationId ?? '')) {
    res.setHeader('Cache-Control', 'no-store');
  }
}
