import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { createApp } from '../../src/app';
import { buildDeps, closeDeps } from '../../src/bootstrap';
import { loadConfig, Config } from '../../src/config';
import type { Deps } from '../../src/deps';
import { startWorkers, WorkerRuntime } from '../../workers/runtime';
import { ApiClient } from './client';
import { createTestDatabase, databaseUrl, dropTestDatabase } from './databases';

export interface TestServer {
  api: ApiClient;
  baseUrl: string;
  db: Knex;
  deps: Deps;
  config: Readonly<Config>;
  workers?: WorkerRuntime;
  close: () => Promise<void>;
}

export interface TestServerOptions {
  /** Extra environment (small rate limits, Stripe test server address...). */
  env?: Record<string, string>;
  /** Run the outbox relay and the job processors in this process too. */
  workers?: boolean;
}

/**
 * Starts the real app on an ephemeral port over a clean database of its own (copied from the migrated
 * template) and a Redis key prefix of its own, so test files never see each other's state.
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dbName = await createTestDatabase();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: databaseUrl(dbName),
    REDIS_PREFIX: `lft:${dbName}`,
    PUBLIC_BASE_URL: `${baseUrl}/api/v1`,
    STORAGE_DIR: `var/test-storage/${dbName}`,
    JWT_ACCESS_SECRET: 'test-access-secret-0123456789abcdef',
    JWT_REFRESH_SECRET: 'test-refresh-secret-0123456789abcdef',
    RATE_LIMIT_GLOBAL_PER_MINUTE: '100000',
    RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '100000',
    RATE_LIMIT_LOGIN_FAILURES_PER_IP: '100000',
    ...opts.env,
  });
  const deps = buildDeps(config);
  server.on('request', createApp(deps));
  const workers = opts.workers ? startWorkers(config, deps.db, deps.log, { relayIntervalMs: 50 }) : undefined;

  const close = async (): Promise<void> => {
    await workers?.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const keys = await deps.redis.keys(`${config.redisPrefix}:*`);
    if (keys.length > 0) await deps.redis.del(...keys);
    await closeDeps(deps);
    await dropTestDatabase(dbName);
  };
  return { api: new ApiClient(baseUrl), baseUrl, db: deps.db, deps, config, workers, close };
}

/** Polls `probe` until it returns a truthy value (jobs run asynchronously); fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
