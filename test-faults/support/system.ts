import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { loadConfig, type Config } from '../../src/config';
import { createDb } from '../../src/db/knex';
import { ensureDatabase, migrateLatest } from '../../src/db/migrate';
import { createStripeClient } from '../../src/payments/stripe';
import { startStripeTestServer, type StripeTestServer } from '../../stripe-test-server/server';
import { ApiClient } from '../../test/support/client';
import type { TestServer } from '../../test/support/harness';
import { PrivatePostgres, PrivateRedis, waitForPort } from './services';

const ROOT = path.resolve(__dirname, '../..');
/** The system's hash-tagged BullMQ prefix (QUEUE_PREFIX), for tests that look into its queue. */
export const FAULTS_QUEUE_PREFIX = '{lff}';
export const API_PORT = Number(process.env.FAULTS_API_PORT ?? 8104);
const LOG_DIR = `/tmp/lf-faults-logs-${process.pid}`;

/**
 * The whole system as separate processes, as in production: the API and the workers are child processes
 * (`node --import tsx`, so a pid is the process itself and kill -9 hits it), over a private PostgreSQL and
 * Redis this scenario may stop and kill, and an in-process Stripe test server. It also looks like the test
 * harness's TestServer (api, db, config, deps.stripe, stripe), so the commerce factories work unchanged.
 */
export class FaultSystem {
  readonly pg = new PrivatePostgres();
  readonly redis = new PrivateRedis();
  readonly baseUrl = `http://127.0.0.1:${API_PORT}`;
  readonly api = new ApiClient(this.baseUrl);
  readonly storageDir = `/tmp/lf-faults-storage-${process.pid}`;
  db!: Knex;
  config!: Readonly<Config>;
  stripe!: StripeTestServer;
  deps!: { stripe: ReturnType<typeof createStripeClient> };
  apiProc: ChildProcess | undefined;
  workerProc: ChildProcess | undefined;
  private env: NodeJS.ProcessEnv = {};

  /** As a TestServer for the factories of test/support. */
  get asTestServer(): TestServer {
    return this as unknown as TestServer;
  }

  async start(opts: { workers?: boolean; env?: Record<string, string> } = {}): Promise<this> {
    fs.mkdirSync(LOG_DIR, { recursive: true });
    await Promise.all([this.pg.init(), this.redis.start()]);
    const databaseUrl = this.pg.databaseUrl();
    await ensureDatabase(databaseUrl);
    this.db = createDb(databaseUrl, { min: 0, max: 4 });
    await migrateLatest(this.db);
    const keys = { secretKey: 'sk_test_faults', publishableKey: 'pk_test_faults', webhookSecret: 'whsec_faults' };
    this.stripe = await startStripeTestServer({ ...keys, webhookUrl: `${this.baseUrl}/api/v1/payments/webhook/` });
    this.env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
      PORT: String(API_PORT),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: 'lff',
      QUEUE_PREFIX: FAULTS_QUEUE_PREFIX,
      PUBLIC_BASE_URL: `${this.baseUrl}/api/v1`,
      STORAGE_DIR: this.storageDir,
      JWT_ACCESS_SECRET: 'faults-access-secret-0123456789abcdef',
      JWT_REFRESH_SECRET: 'faults-refresh-secret-0123456789abcdef',
      RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
      RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '1000000',
      RATE_LIMIT_LOGIN_FAILURES_PER_IP: '1000000',
      STRIPE_SECRET_KEY: keys.secretKey,
      STRIPE_PUBLISHABLE_KEY: keys.publishableKey,
      STRIPE_WEBHOOK_SECRET: keys.webhookSecret,
      STRIPE_API_HOST: this.stripe.host,
      STRIPE_API_PORT: String(this.stripe.port),
      STRIPE_API_PROTOCOL: 'http',
      WORKER_LOCK_DURATION_MS: '2000',
      ...opts.env,
    };
    this.config = loadConfig(this.env);
    this.deps = { stripe: createStripeClient(this.config.stripe) };
    await this.startApi();
    if (opts.workers !== false) this.startWorkers();
    return this;
  }

  private spawn(name: string, script: string, env: Record<string, string> = {}): ChildProcess {
    const out = fs.openSync(path.join(LOG_DIR, `${name}.log`), 'a');
    return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
      cwd: ROOT,
      env: { ...this.env, ...env },
      stdio: ['ignore', out, out],
    });
  }

  async startApi(): Promise<void> {
    this.apiProc = this.spawn('api', 'src/server.ts');
    await waitForPort(API_PORT, 30_000);
  }

  startWorkers(env: Record<string, string> = {}): ChildProcess {
    this.workerProc = this.spawn('workers', 'workers/main.ts', env);
    return this.workerProc;
  }

  async killApi(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await kill(this.apiProc, signal);
  }

  async killWorkers(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await kill(this.workerProc, signal);
  }

  async close(): Promise<void> {
    await Promise.allSettled([kill(this.workerProc, 'SIGTERM', 5000), kill(this.apiProc, 'SIGTERM', 5000)]);
    await this.stripe?.close().catch(() => undefined);
    await this.db?.destroy().catch(() => undefined);
    await this.redis.destroy();
    this.pg.destroy();
    fs.rmSync(this.storageDir, { recursive: true, force: true });
  }
}

/** Signals a process and waits for it to exit (escalating to SIGKILL after `graceMs`). */
export async function kill(proc: ChildProcess | undefined, signal: NodeJS.Signals, graceMs = 5000): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  const force = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(force);
}

/** Polls `check` until it is true or `timeoutMs` passes (then fails with `what`). */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string, intervalMs = 100): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Times one call. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** The PDFs stored under `dir` of the storage (temporaries live apart in .tmp/ and are not documents). */
export function storedDocuments(system: FaultSystem, dir: string): string[] {
  const full = path.join(system.storageDir, dir);
  return fs.existsSync(full) ? fs.readdirSync(full).sort() : [];
}
