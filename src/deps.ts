import type { Knex } from 'knex';
import type IORedis from 'ioredis';
import type { Config } from './config';
import type { Logger } from './logger';
import type { TokenService } from './auth/tokens';
import type { RateLimits } from './http/rateLimits';
import type { Stripe } from './payments/stripe';
import type { FileStorage } from './storage/files';
import type { ApiMetrics } from './metrics/api';

/** Where the process is in its life: set when SIGTERM arrives, so readiness answers 503 while requests drain. */
export interface Lifecycle {
  draining: boolean;
}

/** The infrastructure every handler and service may use; built once per process (or per test file). */
export interface Deps {
  config: Readonly<Config>;
  db: Knex;
  redis: IORedis;
  log: Logger;
  tokens: TokenService;
  rateLimits: RateLimits;
  storage: FileStorage;
  stripe: Stripe;
  metrics: ApiMetrics;
  lifecycle: Lifecycle;
}
