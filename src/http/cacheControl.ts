import crypto from 'node:crypto';
import type { Request, Response } from 'express';
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

/** Weak validator over the serialized body: equal bytes, equal tag; cheap next to the query that built it. */
export function weakEtag(payload: string | Buffer): string {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  // The one-shot form: no Hash object per response (the same digest as createHash('sha1')).
  const hash = crypto.hash('sha1', bytes, 'base64url').slice(0, 27);
  return `W/"${bytes.length.toString(16)}-${hash}"`;
}

/** RFC 9110 If-None-Match with weak comparison: `*`, or any listed tag equal once `W/` is dropped. */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/**
 * Answers a public catalog read (course list, course page, categories) with a weak ETag and `304 Not Modified`
 * when the client already holds it. Anonymous answers are `public, no-cache`: any cache may keep them, but must
 * revalidate every time, because a price or a publish change has to show at once (a stale price would disagree
 * with the cart and checkout); revalidation costs the query but not the body. `Vary: Authorization` keeps a shared
 * cache from serving the anonymous copy to a signed-in viewer, whose answer (no-store, set before the handler) is
 * their own.
 */
export function sendCatalog(req: Request, res: Response, body: unknown): void {
  // Encoded to UTF-8 once: the hash, the length and the response all use these bytes (a string would be encoded
  // by the length count, by the hash and again by res.send for any body over 1000 characters).
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  const etag = weakEtag(payload);
  res.setHeader('ETag', etag);
  // Nothing before the handler sets Vary on these reads today; should anything (CORS with a list of origins),
  // express's vary() merges the two.
  if (res.getHeader('Vary') === undefined) res.setHeader('Vary', 'Authorization');
  else res.vary('Authorization');
  if (!res.getHeader('Cache-Control')) res.setHeader('Cache-Control', 'public, no-cache');
  if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
    res.status(304).end();
    return;
  }
  // What express's res.type('application/json').send(buffer) writes, without its per-call work (content-type
  // lookup, charset parsing, the freshness check, which the If-None-Match test above already answered: it
  // matches every tag express's would, and no Last-Modified is sent for If-Modified-Since to match).
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(payload.length));
  if (req.method === 'HEAD') res.end();
  else res.end(payload);
}
