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

/**
 * Signs and verifies the API's JWTs. Keys are KeyObjects built once: verifying with a string secret costs
 * ~40x more per request. The algorithm is pinned (no `alg: none`, no RS/HS confusion), `iss` and `aud` are
 * checked, `exp` is required, and `token_type` keeps a refresh token from being used as an access token and
 * vice versa.
 */
export class TokenService {
  private readonly accessKey: KeyObject;
  private readonly refreshKey: KeyObject;

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
    const claims = this.verify(token, this.accessKey, 'access');
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
