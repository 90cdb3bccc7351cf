import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { Knex } from 'knex';
import { createApp } from '../../src/app';
import { buildDeps, closeDeps } from '../../src/bootstrap';
import { loadConfig, type Config } from '../../src/config';
import type { Deps } from '../../src/deps';
import { startStripeTestServer, type StripeTestServer } from '../../stripe-test-server/server';
import { startWorkers, type WorkerRuntime } from '../../workers/runtime';
import { ApiClient } from './client';
import { compiledApiRequested, freePort, startCompiledApi } from './compiledApi';
import { createTestDatabase, databaseUrl, dropTestDatabase } from './databases';

export interface TestServer {
  api: ApiClient;
  baseUrl: string;
  db: Knex;
  deps: Deps;
  config: Readonly<Config>;
  workers?: WorkerRuntime;
  /** The file's Stripe test server, when started with `stripe: true`. */
  stripe?: StripeTestServer;
  close: () => Promise<void>;
}

/** Nothing listens here: Redis is "down" for whoever connects to it (`env: { REDIS_URL: DEAD_REDIS }`). */
export const DEAD_REDIS = 'redis://127.0.0.1:6399';

export interface TestServerOptions {
  /** Extra environment (small rate limits, Stripe test server address...). */
  env?: Record<string, string>;
  /** Run the outbox relay and the job processors in this process too. */
  workers?: boolean;
  /** Start a Stripe test server for this file, point the Stripe SDK at it and its webhooks at this server. */
  stripe?: boolean;
}

/**
 * Starts the real app on an ephemeral port over a clean database of its own (copied from the migrated
 * template) and a Redis key prefix of its own, so test files never see each other's state.
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dbName = await createTestDatabase();
  const server = http.createServer();
  // fetch (undici) reuses a kept-alive socket for up to 4 s; on a loaded machine the server's 5 s default can close
  // it in between, and the next request dies with ECONNRESET. Tests outlast no such gap with 60 s.
  server.keepAliveTimeout = 60_000;
  // `npm run test:compiled`: the API under test is the compiled start:api in a process of its own; this process
  // keeps its own deps (database, Redis, tokens) for the tests' setup and assertions.
  const compiled = compiledApiRequested();
  const port = compiled
    ? await freePort()
    : await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  const baseUrl = `http://127.0.0.1:${port}`;
  // Random per test file: no test may rely on a secret written in the repository.
  const random = (prefix: string): string => `${prefix}${crypto.randomBytes(24).toString('hex')}`;
  const stripeKeys = { secretKey: random('sk_test_'), publishableKey: random('pk_test_'), webhookSecret: random('whsec_') };
  const stripe = opts.stripe
    ? await startStripeTestServer({ ...stripeKeys, webhookUrl: `${baseUrl}/api/v1/payments/webhook/` })
    : undefined;
  const stripeEnv: Record<string, string> = stripe
    ? {
        STRIPE_SECRET_KEY: stripeKeys.secretKey,
        STRIPE_PUBLISHABLE_KEY: stripeKeys.publishableKey,
        STRIPE_WEBHOOK_SECRET: stripeKeys.webhookSecret,
        STRIPE_API_HOST: stripe.host,
        STRIPE_API_PORT: String(stripe.port),
        STRIPE_API_PROTOCOL: 'http',
      }
    : {};
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl(dbName),
    REDIS_PREFIX: `lft:${dbName}`,
    QUEUE_PREFIX: `{lft:${dbName}}`,
    PUBLIC_BASE_URL: `${baseUrl}/api/v1`,
    STORAGE_DIR: `var/test-storage/${dbName}`,
    JWT_ACCESS_SECRET: random('access-'),
    JWT_REFRESH_SECRET: random('refresh-'),
    RATE_LIMIT_GLOBAL_PER_MINUTE: '100000',
    RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '100000',
    RATE_LIMIT_LOGIN_FAILURES_PER_IP: '100000',
    ...stripeEnv,
    ...opts.env,
  };
  const config = loadConfig(env);
  const deps = buildDeps(config);
  // Production mode makes up a webhook secret when none is set: hand it this file's, which the tests sign with.
  const child = compiled ? await startCompiledApi({ ...env, STRIPE_WEBHOOK_SECRET: config.stripe.webhookSecret }, { port }) : undefined;
  if (!child) server.on('request', createApp(deps));
  const workers = opts.workers ? startWorkers(config, deps.db, deps.log, { relayIntervalMs: 50 }) : undefined;

  const close = async (): Promise<void> => {
    await workers?.stop();
    await stripe?.close();
    if (child) await child.stop();
    else {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    // Best effort: a test may point this server at a Redis that is down on purpose.
    try {
      for (const prefix of [config.redisPrefix, config.queuePrefix]) {
        const keys = await deps.redis.keys(`${prefix}:*`);
        if (keys.length > 0) await deps.redis.del(...keys);
      }
    } catch {
      /* nothing to clean */
    }
    await closeDeps(deps);
    await dropTestDatabase(dbName);
  };
  return { api: new ApiClient(baseUrl), baseUrl, db: deps.db, deps, config, workers, stripe, close };
}

/**
 * The test file's server: started before its tests, closed after them (the block every test file repeated).
 * `setup` runs once it is started, for the file's own rows and users: node:test runs a file's top-level
 * `before` hooks side by side, so a second hook could not count on the server being there. The fields are read
 * through at use, so `const t = useTestServer()` at the top of a file is usable in any test or hook.
 */
export function useTestServer(opts: TestServerOptions = {}, setup?: (t: TestServer) => Promise<void>): TestServer {
  let server: TestServer | undefined;
  before(async () => {
    server = await startTestServer(opts);
    await setup?.(server);
  });
  after(async () => {
    await server?.close();
  });
  return new Proxy({} as TestServer, {
    get(_, field) {
      if (!server) throw new Error(`The test server is not started yet (read of "${String(field)}" outside a test or hook)`);
      return server[field as keyof TestServer];
    },
  });
}

/** Polls `probe` until it returns a truthy value (jobs run asynchronously); fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
