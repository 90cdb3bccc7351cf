import type { Response } from 'express';
import type IORedis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { AppError } from '../errors';
import { LeasedRateLimiter } from './leasedRateLimiter';

export interface RateLimits {
  global: LeasedRateLimiter;
  loginFailuresByEmail: RateLimiterRedis;
  loginFailuresByIp: RateLimiterRedis;
  registerByIp: RateLimiterRedis;
}

function limiter(redis: IORedis, keyPrefix: string, points: number, duration: number): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration,
    // If Redis is unreachable, keep limiting per process instead of failing every request, and switch at once
    // (a command on a connection that is not ready is not even attempted).
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
  });
}

export function createRateLimits(redis: IORedis, cfg: Config): RateLimits {
  const p = `${cfg.redisPrefix}:rl`;
  const r = cfg.rateLimits;
  return {
    // Every request pays this one: leased, so most requests are counted without a Redis round trip.
    global: new LeasedRateLimiter(limiter(redis, `${p}:global`, r.globalPerMinute, 60), r.globalLease),
    loginFailuresByEmail: limiter(redis, `${p}:login-email`, r.loginFailuresPerEmail, r.loginFailureWindowSeconds),
    loginFailuresByIp: limiter(redis, `${p}:login-ip`, r.loginFailuresPerIp, r.loginFailureWindowSeconds),
    registerByIp: limiter(redis, `${p}:register-ip`, r.registerPerIpPerHour, 3600),
  };
}

/** RateLimit-* headers (IETF draft) so well-behaved clients can pace themselves. */
export function setRateLimitHeaders(res: Response, limit: number, state: RateLimiterRes): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, state.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.ceil(state.msBeforeNext / 1000)));
}

/** 429 with retry_after; the error middleware turns retry_after into the Retry-After header. */
export function rateLimitExceeded(state: RateLimiterRes): AppError {
  const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new AppError(
    'RATE_LIMIT_EXCEEDED',
    `Request rate limit exceeded. Please try again in ${retryAfter} seconds.`,
    undefined,
    retryAfter,
  );
}

/** Consumes one point; a rejection becomes 429 RATE_LIMIT_EXCEEDED with retry_after and Retry-After. */
export async function consumeOrThrow(limiter: RateLimiterRedis, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rateLimitExceeded(rejection);
    throw rejection;
  }
}

/** Throws 429 if `key` has already used up `limiter` (without consuming: failures are counted separately). */
export async function assertNotBlocked(limiter: RateLimiterRedis, key: string): Promise<void> {
  const state = await limiter.get(key);
  if (state && state.remainingPoints <= 0 && state.consumedPoints >= limiter.points) throw rateLimitExceeded(state);
}
