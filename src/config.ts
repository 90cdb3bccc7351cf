import crypto from 'node:crypto';
import { DEFAULT_SECRETS_FILE, localSecrets, type LocalSecretName } from './localSecrets';

/** The local Stripe test server's key when no real one is configured; see ARCHITECTURE.md for why it may be public. */
export const LOCAL_STRIPE_SECRET_KEY = 'sk_test_learnflow_local';

/** The development database when DATABASE_URL is unset (also the backup scripts' default, db/backup.ts). */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/learnflow';

/** Environment parsed once into a typed, frozen config with safe development defaults. */
export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  publicBaseUrl: string;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of the API's own Redis keys (rate limits) so that test files never share state. */
  redisPrefix: string;
  /**
   * Prefix of every BullMQ key. It carries a hash tag (`{learnflow}`) so that all of a queue's keys hash to one
   * slot: BullMQ's Lua scripts touch several keys at once, which Redis Cluster allows only within one slot.
   */
  queuePrefix: string;
  jwt: {
    accessSecret: string;
    refreshSecret: string;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
  };
  corsOrigins: string[];
  bodyLimit: string;
  rateLimits: {
    globalPerMinute: number;
    /** Points of the global limit a process reserves from Redis at a time (src/http/leasedRateLimiter.ts). */
    globalLease: number;
    loginFailuresPerEmail: number;
    loginFailuresPerIp: number;
    loginFailureWindowSeconds: number;
    registerPerIpPerHour: number;
  };
  stripe: { secretKey: string; publishableKey: string; webhookSecret: string; host?: string; port?: number; protocol?: 'http' | 'https' };
  /** The job that asks Stripe about pending orders whose webhook may have been lost (0 interval: not scheduled). */
  reconcile: { intervalMs: number; afterMs: number };
  storageDir: string;
  logLevel: string;
  /** Error tracking (src/errorTracking/): off unless SENTRY_DSN is set. */
  sentry: { dsn?: string; environment?: string; release?: string };
}

function int(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`Expected an integer, got "${value}"`);
  return n;
}

/**
 * A secret from the environment, else: production refuses to start; development uses the install's own random
 * secret, generated once into a git-ignored file (a derived or constant one would be known to anyone who read
 * this repository); tests get a random one per process.
 */
function secret(
  name: LocalSecretName,
  env: Config['env'],
  source: NodeJS.ProcessEnv,
  local: () => Record<LocalSecretName, string>,
): string {
  const value = source[name];
  if (value) return value;
  if (env === 'production') throw new Error(`${name} is required in production`);
  if (env === 'test') return crypto.randomBytes(48).toString('base64url');
  return local()[name];
}

/** A webhook signing secret in production without real Stripe keys: nothing can sign with it, nothing is stored. */
function stripeWebhookSecret(env: Config['env'], source: NodeJS.ProcessEnv, local: () => Record<LocalSecretName, string>): string {
  if (env === 'production' && !source.STRIPE_WEBHOOK_SECRET) {
    if (source.STRIPE_SECRET_KEY) throw new Error('STRIPE_WEBHOOK_SECRET is required in production when STRIPE_SECRET_KEY is set');
    return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
  }
  return secret('STRIPE_WEBHOOK_SECRET', env, source, local);
}

/**
 * A prefix whose keys all land in one Redis Cluster slot. Redis hashes the text between the first `{` and the
 * first `}` after it, when that text is not empty.
 */
function hashTagged(name: string, value: string): string {
  if (!/^[^{]*\{[^}]+\}/.test(value)) throw new Error(`${name} must contain a Redis hash tag such as {learnflow}, got "${value}"`);
  return value;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const env = (source.NODE_ENV === 'production' || source.NODE_ENV === 'test' ? source.NODE_ENV : 'development') as Config['env'];
  const port = int(source.PORT, 8000);
  const stripeHost = source.STRIPE_API_HOST;
  const secretsFile = source.LEARNFLOW_SECRETS_FILE || DEFAULT_SECRETS_FILE;
  let cached: Record<LocalSecretName, string> | undefined;
  const local = (): Record<LocalSecretName, string> => (cached ??= localSecrets(secretsFile));
  return Object.freeze({
    env,
    port,
    host: source.HOST ?? '0.0.0.0',
    publicBaseUrl: source.PUBLIC_BASE_URL ?? `http://localhost:${port}/api/v1`,
    databaseUrl: source.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrl: source.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: source.REDIS_PREFIX ?? 'lf',
    queuePrefix: hashTagged('QUEUE_PREFIX', source.QUEUE_PREFIX || '{learnflow}'),
    jwt: {
      accessSecret: secret('JWT_ACCESS_SECRET', env, source, local),
      refreshSecret: secret('JWT_REFRESH_SECRET', env, source, local),
      issuer: source.JWT_ISSUER ?? 'learnflow-api',
      audience: source.JWT_AUDIENCE ?? 'learnflow-clients',
      accessTtlSeconds: int(source.JWT_ACCESS_TTL_SECONDS, 15 * 60),
      refreshTtlSeconds: int(source.JWT_REFRESH_TTL_SECONDS, 7 * 24 * 3600),
    },
    corsOrigins: (source.CORS_ORIGINS ?? '*')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    bodyLimit: source.BODY_LIMIT ?? '100kb',
    rateLimits: {
      globalPerMinute: int(source.RATE_LIMIT_GLOBAL_PER_MINUTE, 600),
      // A fiftieth of the limit by default (12 of 600): one Redis call per 12 requests, and at most 11 points per
      // other process refused early.
      globalLease: Math.max(1, int(source.RATE_LIMIT_GLOBAL_LEASE, Math.floor(int(source.RATE_LIMIT_GLOBAL_PER_MINUTE, 600) / 50))),
      loginFailuresPerEmail: int(source.RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL, 5),
      loginFailuresPerIp: int(source.RATE_LIMIT_LOGIN_FAILURES_PER_IP, 50),
      loginFailureWindowSeconds: int(source.RATE_LIMIT_LOGIN_WINDOW_SECONDS, 3600),
      registerPerIpPerHour: int(source.RATE_LIMIT_REGISTER_PER_IP_PER_HOUR, 20),
    },
    stripe: {
      // Fixed test keys on purpose (see ARCHITECTURE.md): Stripe refuses them, only the local test server takes them.
      secretKey: source.STRIPE_SECRET_KEY || LOCAL_STRIPE_SECRET_KEY,
      publishableKey: source.STRIPE_PUBLISHABLE_KEY || 'pk_test_learnflow_local',
      webhookSecret: stripeWebhookSecret(env, source, local),
      host: stripeHost,
      port: source.STRIPE_API_PORT ? int(source.STRIPE_API_PORT, 0) : undefined,
      protocol: stripeHost ? ((source.STRIPE_API_PROTOCOL as 'http' | 'https' | undefined) ?? 'http') : undefined,
    },
    reconcile: {
      intervalMs: int(source.RECONCILE_INTERVAL_MS, 60_000),
      afterMs: int(source.RECONCILE_AFTER_MS, 120_000),
    },
    storageDir: source.STORAGE_DIR ?? 'var/storage',
    logLevel: source.LOG_LEVEL ?? (env === 'test' ? 'silent' : 'info'),
    sentry: {
      dsn: source.SENTRY_DSN || undefined,
      environment: source.SENTRY_ENVIRONMENT || undefined,
      release: source.SENTRY_RELEASE || undefined,
    },
  });
}
