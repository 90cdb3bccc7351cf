import crypto from 'node:crypto';

/** Environment parsed once into a typed, frozen config with safe development defaults. */
export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  publicBaseUrl: string;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key (queues, rate limits) so that test files never share state. */
  redisPrefix: string;
  jwt: { accessSecret: string; refreshSecret: string; issuer: string; audience: string; accessTtlSeconds: number; refreshTtlSeconds: number };
  corsOrigins: string[];
  bodyLimit: string;
  rateLimits: {
    globalPerMinute: number;
    loginFailuresPerEmail: number;
    loginFailuresPerIp: number;
    loginFailureWindowSeconds: number;
    registerPerIpPerHour: number;
  };
  stripe: { secretKey: string; publishableKey: string; webhookSecret: string; host?: string; port?: number; protocol?: 'http' | 'https' };
  storageDir: string;
  logLevel: string;
}

function int(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`Expected an integer, got "${value}"`);
  return n;
}

function secret(name: string, env: Config['env'], source: NodeJS.ProcessEnv): string {
  const value = source[name];
  if (value) return value;
  if (env === 'production') throw new Error(`${name} is required in production`);
  // A random secret per process would log everyone out on restart and break multi-process setups,
  // so development derives a stable one and says so.
  if (env === 'development') console.warn(`[config] ${name} is not set: using a development secret. Never do this in production.`);
  return crypto.createHash('sha256').update(`learnflow-dev-${name}`).digest('hex');
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const env = (source.NODE_ENV === 'production' || source.NODE_ENV === 'test' ? source.NODE_ENV : 'development') as Config['env'];
  const port = int(source.PORT, 8000);
  const stripeHost = source.STRIPE_API_HOST;
  return Object.freeze({
    env,
    port,
    host: source.HOST ?? '0.0.0.0',
    publicBaseUrl: source.PUBLIC_BASE_URL ?? `http://localhost:${port}/api/v1`,
    databaseUrl: source.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/learnflow',
    redisUrl: source.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: source.REDIS_PREFIX ?? 'lf',
    jwt: {
      accessSecret: secret('JWT_ACCESS_SECRET', env, source),
      refreshSecret: secret('JWT_REFRESH_SECRET', env, source),
      issuer: source.JWT_ISSUER ?? 'learnflow-api',
      audience: source.JWT_AUDIENCE ?? 'learnflow-clients',
      accessTtlSeconds: int(source.JWT_ACCESS_TTL_SECONDS, 15 * 60),
      refreshTtlSeconds: int(source.JWT_REFRESH_TTL_SECONDS, 7 * 24 * 3600),
    },
    corsOrigins: (source.CORS_ORIGINS ?? '*').split(',').map((s) => s.trim()).filter(Boolean),
    bodyLimit: source.BODY_LIMIT ?? '100kb',
    rateLimits: {
      globalPerMinute: int(source.RATE_LIMIT_GLOBAL_PER_MINUTE, 600),
      loginFailuresPerEmail: int(source.RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL, 5),
      loginFailuresPerIp: int(source.RATE_LIMIT_LOGIN_FAILURES_PER_IP, 50),
      loginFailureWindowSeconds: int(source.RATE_LIMIT_LOGIN_WINDOW_SECONDS, 3600),
      registerPerIpPerHour: int(source.RATE_LIMIT_REGISTER_PER_IP_PER_HOUR, 20),
    },
    stripe: {
      secretKey: source.STRIPE_SECRET_KEY ?? 'sk_test_learnflow_local',
      publishableKey: source.STRIPE_PUBLISHABLE_KEY ?? 'pk_test_learnflow_local',
      webhookSecret: source.STRIPE_WEBHOOK_SECRET ?? 'whsec_learnflow_local',
      host: stripeHost,
      port: source.STRIPE_API_PORT ? int(source.STRIPE_API_PORT, 0) : undefined,
      protocol: stripeHost ? ((source.STRIPE_API_PROTOCOL as 'http' | 'https' | undefined) ?? 'http') : undefined,
    },
    storageDir: source.STORAGE_DIR ?? 'var/storage',
    logLevel: source.LOG_LEVEL ?? (env === 'test' ? 'silent' : 'info'),
  });
}
