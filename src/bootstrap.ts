import { TokenService } from './auth/tokens';
import type { Config } from './config';
import { createDb } from './db/knex';
import { flushErrorTracking, initErrorTracking } from './errorTracking/sentry';
import type { Deps } from './deps';
import { createRateLimits } from './http/rateLimits';
import { createRedis, REQUEST_REDIS_TIMEOUT_MS } from './redis';
import { createLogger } from './logger';
import { createApiMetrics } from './metrics/api';
import { createStripeClient } from './payments/stripe';
import { FileStorage } from './storage/files';

/** Builds the process's infrastructure from config. Tests call it with their own database and Redis prefix. */
export function buildDeps(config: Readonly<Config>): Deps {
  const log = createLogger(config.logLevel);
  initErrorTracking(config, 'api');
  const db = createDb(config.databaseUrl);
  // Only request paths use this connection: a Redis outage must cost a request a bounded moment, never a stall.
  const redis = createRedis(config.redisUrl, { failFast: true, commandTimeoutMs: REQUEST_REDIS_TIMEOUT_MS });
  // A Redis outage is survivable (rate limits fall back to memory, jobs wait in the outbox): log, don't crash.
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  let stripe: Deps['stripe'] | undefined;
  return {
    config,
    db,
    redis,
    log,
    tokens: new TokenService(config.jwt),
    rateLimits: createRateLimits(redis, config),
    storage: new FileStorage(config.storageDir),
    // Built (and the SDK loaded) by the first request that talks to Stripe: see src/payments/stripe.ts.
    get stripe() {
      stripe ??= createStripeClient(config.stripe);
      return stripe;
    },
    metrics: createApiMetrics(db, redis, config.queuePrefix),
    lifecycle: { draining: false },
  };
}

export async function closeDeps(deps: Deps): Promise<void> {
  await deps.metrics.close();
  await Promise.allSettled([deps.db.destroy(), deps.redis.quit(), flushErrorTracking()]);
}
