import crypto, { type KeyObject } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import type { Config } from '../config';
import { AppError } from '../errors';

export type TokenType = 'access' | 'refresh';

export interface AuthUser {
  id: string;
}

export interface RefreshClaims {
  userId: string;
  jti: string;
  familyId: string;
  expiresAt: Date;
}

const ALGORITHM = 'HS256' as const;

/** How many verified access tokens are remembered (see verifyAccess); the map is emptied when it fills. */
const VERIFIED_CACHE_MAX = 10_000;

/**
 * Signs and verifies the API's JWTs. Keys are KeyObjects built once: verifying with a string secret costs
 * ~40x more per request. The algorithm is pinned (no `alg: none`, no RS/HS confusion), `iss` and `aud` are
 * checked, `exp` is required, and `token_type` keeps a refresh token from being used as an access token and
 * vice versa.
 */
export class TokenService {
  private readonly accessKey: KeyObject;
  private readonly refreshKey: KeyObject;
  /**
   * Access tokens already verified, with their subject and expiry. A client sends the same token on every request
   * until it expires, and jsonwebtoken's verify (decode, HMAC, claim checks) showed in the profile of
   * authenticated reads at several times the cost of the rest of the bearer check. The token's bytes are
   * immutable and were checked against this service's key, issuer and audience, so the only check that can
   * change its answer later is the clock: expiry is rechecked on every hit exactly as jsonwebtoken does it.
   */
  private readonly verifiedAccess = new Map<string, { id: string; exp: number }>();

  constructor(private readonly cfg: Config['jwt']) {
    this.accessKey = crypto.createSecretKey(Buffer.from(cfg.accessSecret, 'utf8'));
    this.refreshKey = crypto.createSecretKey(Buffer.from(cfg.refreshSecret, 'utf8'));
  }

  signAccess(userId: string): string {
    return jwt.sign({ token_type: 'access', user_id: userId }, this.accessKey, {
      algorithm: ALGORITHM,
      expiresIn: this.cfg.accessTtlSeconds,
      issuer: this.cfg.issuer,
      audience: this.cfg.audience,
      subject: userId,
      jwtid: crypto.randomUUID(),
    });
  }

  signRefresh(userId: string, jti: string, familyId: string): { token: string; expiresAt: Date } {
    const token = jwt.sign({ token_type: 'refresh', user_id: userId, family_id: familyId }, this.refreshKey, {
      algorithm: ALGORITHM,
      expiresIn: this.cfg.refreshTtlSeconds,
      issuer: this.cfg.issuer,
      audience: this.cfg.audience,
      subject: userId,
      jwtid: jti,
    });
    return { token, expiresAt: new Date(Date.now() + this.cfg.refreshTtlSeconds * 1000) };
  }

  verifyAccess(token: string): AuthUser {
    const known = this.verifiedAccess.get(token);
    if (known) {
      // jsonwebtoken's own test (whole seconds, no tolerance): expired from the second `exp` on.
      if (Math.floor(Date.now() / 1000) < known.exp) return { id: known.id };
      this.verifiedAccess.delete(token);
      throw new AppError('TOKEN_EXPIRED');
    }
    const claims = this.verify(token, this.accessKey, 'access');
    // A not-before claim (never issued here) would make the answer depend on the clock in another way: not kept.
    if (claims.nbf === undefined) {
      if (this.verifiedAccess.size >= VERIFIED_CACHE_MAX) this.verifiedAccess.clear();
      this.verifiedAccess.set(token, { id: claims.sub as string, exp: claims.exp as number });
    }
    return { id: claims.sub as string };
  }

  verifyRefresh(token: string): RefreshClaims {
    const claims = this.verify(token, this.refreshKey, 'refresh');
    if (typeof claims.jti !== 'string' || typeof claims.family_id !== 'string' || typeof claims.exp !== 'number') {
      throw new AppError('TOKEN_INVALID');
    }
    return { userId: claims.sub as string, jti: claims.jti, familyId: claims.family_id, expiresAt: new Date(claims.exp * 1000) };
  }

  private verify(token: string, key: KeyObject, type: TokenType): JwtPayload {
    let claims: JwtPayload | string;
    try {
      claims = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: this.cfg.issuer, audience: this.cfg.audience });
    } catch (err) {
      if ((err as Error).name === 'TokenExpiredError') throw new AppError('TOKEN_EXPIRED');
      throw new AppError('TOKEN_INVALID');
    }
    // jsonwebtoken checks exp only when present: a token without one would never expire.
    if (typeof claims === 'string' || claims.token_type !== type || typeof claims.sub !== 'string' || typeof claims.exp !== 'number')
      throw new AppError('TOKEN_INVALID');
    return claims;
  }
}
