import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createDb } from '../src/db/knex';
import { ensureDatabase, migrateLatest } from '../src/db/migrate';
import { createStripeClient } from '../src/payments/stripe';
import { isEmpty, seedDemo } from '../db/seeds/demo';
import { startStripeTestServer } from '../stripe-test-server/server';
import { waitForPort } from './proc';

/**
 * `npm run soak`: a mixed workload on loopback for a while, against the API and the workers running as their
 * own processes (as `npm start` runs them) and the local Stripe test server. Virtual users browse, search,
 * fill and empty carts, buy (order, PaymentIntent, test card, confirm, receipt) and learn (progress, lessons
 * completed, dashboard). It reports errors, p50/p99 per kind, and the API process's RSS sampled over time,
 * and says whether memory levelled off. Exit 1 on any error or on memory still growing.
 *
 *   SOAK_SECONDS (600)        duration          SOAK_USERS (3)          concurrent virtual users
 *   SOAK_THINK_MS (20)        pause per step    SOAK_SAMPLE_SECONDS (10) RSS sampling period
 *   DATABASE_URL              default postgres://postgres@127.0.0.1:5432/lf_soak (migrated, demo catalog)
 *   REDIS_URL, REDIS_PREFIX   default the local Redis with a prefix of this run's own (QUEUE_PREFIX too)
 */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const USERS = Number(process.env.SOAK_USERS ?? 3);
const THINK_MS = Number(process.env.SOAK_THINK_MS ?? 20);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 10) * 1000;
const ROOT = path.resolve(__dirname, '..');

type Kind = 'browse' | 'search' | 'cart' | 'buy' | 'learn';
const KINDS: Kind[] = ['browse', 'search', 'cart', 'buy', 'learn'];
const latencies: Record<Kind, number[]> = { browse: [], search: [], cart: [], buy: [], learn: [] };
const errors: Array<{ kind: Kind; what: string; status: number; body: string }> = [];
const SEARCHES = ['python', 'javascript', 'web development', 'data science', 'javscript', 'design', 'react', 'machine learning'];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

class VirtualUser {
  private token = '';
  private owned = new Set<string>();
  private enrollments: string[] = [];

  constructor(
    private readonly base: string,
    private readonly courseIds: string[],
    private readonly pay: (intentId: string) => Promise<unknown>,
  ) {}

  private async call(kind: Kind, method: string, url: string, body: unknown, ok: number[]): Promise<any> {
    const started = performance.now();
    let status = 0;
    let text = '';
    try {
      const res = await fetch(this.base + url, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      text = (err as Error).message;
    }
    latencies[kind].push(performance.now() - started);
    if (!ok.includes(status)) {
      errors.push({ kind, what: `${method} ${url.replace(/[0-9a-f-]{36}/g, ':id')}`, status, body: text.slice(0, 200) });
      return undefined;
    }
    return text?.startsWith('{') ? JSON.parse(text) : text;
  }

  async register(): Promise<void> {
    this.token = '';
    const email = `soak-${crypto.randomUUID()}@example.com`;
    const res = await this.call(
      'cart',
      'POST',
      '/auth/register/',
      { email, password: 'SoakPassword123!', first_name: 'Soak', last_name: 'User' },
      [201],
    );
    this.token = res?.access_token ?? '';
    this.owned.clear();
    this.enrollments = [];
  }

  private pick<T>(xs: T[]): T {
    return xs[Math.floor(Math.random() * xs.length)]!;
  }

  private unowned(): string | undefined {
    const free = this.courseIds.filter((id) => !this.owned.has(id));
    return free.length ? this.pick(free) : undefined;
  }

  async browse(): Promise<void> {
    await this.call('browse', 'GET', `/courses/?page=${1 + Math.floor(Math.random() * 3)}`, undefined, [200]);
    await this.call('browse', 'GET', `/courses/${this.pick(this.courseIds)}/`, undefined, [200]);
    await this.call('browse', 'GET', '/categories/', undefined, [200]);
  }

  async search(): Promise<void> {
    await this.call('search', 'GET', `/courses/?search=${encodeURIComponent(this.pick(SEARCHES))}&ordering=relevance`, undefined, [200]);
  }

  async cart(): Promise<void> {
    const courseId = this.unowned();
    if (!courseId) return;
    const added = await this.call('cart', 'POST', '/cart/items/', { course_id: courseId }, [201, 409]);
    await this.call('cart', 'GET', '/cart/', undefined, [200]);
    if (added?.id) await this.call('cart', 'DELETE', `/cart/items/${added.id}/`, undefined, [204]);
  }

  async buy(): Promise<void> {
    const courseId = this.unowned();
    if (!courseId) return this.register();
    await this.call('buy', 'POST', '/cart/items/', { course_id: courseId }, [201, 409]);
    const order = await this.call(
      'buy',
      'POST',
      '/orders/create-from-cart/',
      {
        billing_address: {
          first_name: 'Soak',
          last_name: 'User',
          email: 'soak@example.com',
          address_line1: '1 Loop Street',
          city: 'Localhost',
          postal_code: '12345',
          country: 'US',
        },
      },
      [201],
    );
    if (!order) return;
    const intent = await this.call('buy', 'POST', '/payments/create-payment-intent/', { order_id: order.id }, [200, 201]);
    if (!intent) return;
    await this.pay(intent.payment_intent_id);
    const confirmed = await this.call(
      'buy',
      'POST',
      '/payments/confirm-payment/',
      { order_id: order.id, payment_intent_id: intent.payment_intent_id },
      [200],
    );
    if (!confirmed) return;
    for (const item of order.items ?? []) this.owned.add(item.course_id ?? item.course?.id);
    this.owned.add(courseId);
    await this.call('buy', 'GET', `/orders/${order.id}/receipt/`, undefined, [200, 409]);
  }

  async learn(): Promise<void> {
    const list = await this.call('learn', 'GET', '/enrollments/', undefined, [200]);
    this.enrollments = (list?.results ?? []).map((e: { id: string }) => e.id);
    await this.call('learn', 'GET', '/dashboard/stats/', undefined, [200]);
    if (this.enrollments.length === 0) return;
    const detail = await this.call('learn', 'GET', `/enrollments/${this.pick(this.enrollments)}/`, undefined, [200]);
    const lessons: Array<{ id: string; completed: boolean }> = (detail?.course?.curriculum ?? []).flatMap(
      (s: { lessons: unknown[] }) => s.lessons,
    );
    const lesson = lessons.find((l) => !l.completed) ?? lessons[0];
    if (!detail || !lesson) return;
    await this.call(
      'learn',
      'POST',
      `/enrollments/${detail.id}/lesson-progress/`,
      { lesson_id: lesson.id, position_seconds: 60, seconds_watched: 30 },
      [200],
    );
    await this.call('learn', 'POST', `/enrollments/${detail.id}/mark-lesson-complete/`, { lesson_id: lesson.id }, [200]);
  }

  async run(until: number): Promise<void> {
    await this.register();
    const steps: Array<[number, () => Promise<void>]> = [
      [30, () => this.browse()],
      [20, () => this.search()],
      [15, () => this.cart()],
      [10, () => this.buy()],
      [25, () => this.learn()],
    ];
    const total = steps.reduce((a, [w]) => a + w, 0);
    while (Date.now() < until) {
      // Weighted pick: walk the weights until the random draw falls inside one.
      let r = Math.random() * total;
      let step = steps[0]![1];
      for (const [weight, candidate] of steps) {
        r -= weight;
        if (r < 0) {
          step = candidate;
          break;
        }
      }
      await step();
      if (THINK_MS) await new Promise((res) => setTimeout(res, THINK_MS));
    }
  }
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lf_soak';
  await ensureDatabase(databaseUrl);
  const db = createDb(databaseUrl, { min: 0, max: 2 });
  await migrateLatest(db);
  if (await isEmpty(db)) await seedDemo(db, { log: (line) => console.log(`  ${line}`) });
  const courseIds = (await db('courses').where({ is_published: true }).where('price_cents', '>', 0).limit(200).pluck('id')) as string[];
  await db.destroy();

  const port = Number(process.env.SOAK_PORT ?? (await freePort()));
  const base = `http://127.0.0.1:${port}/api/v1`;
  const keys = { secretKey: 'sk_test_soak', publishableKey: 'pk_test_soak', webhookSecret: 'whsec_soak' };
  const stripe = await startStripeTestServer({ ...keys, webhookUrl: `${base}/payments/webhook/` });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: process.env.REDIS_PREFIX ?? `lfsoak${process.pid}`,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? `{lfsoak${process.pid}}`,
    STORAGE_DIR: process.env.STORAGE_DIR ?? `/tmp/lf-soak-storage-${process.pid}`,
    JWT_ACCESS_SECRET: crypto.randomBytes(32).toString('hex'),
    JWT_REFRESH_SECRET: crypto.randomBytes(32).toString('hex'),
    RATE_LIMIT_GLOBAL_PER_MINUTE: '100000000',
    RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '100000000',
    RATE_LIMIT_LOGIN_FAILURES_PER_IP: '100000000',
    STRIPE_SECRET_KEY: keys.secretKey,
    STRIPE_PUBLISHABLE_KEY: keys.publishableKey,
    STRIPE_WEBHOOK_SECRET: keys.webhookSecret,
    STRIPE_API_HOST: stripe.host,
    STRIPE_API_PORT: String(stripe.port),
    STRIPE_API_PROTOCOL: 'http',
  };
  const stripeClient = createStripeClient(loadConfig(env).stripe);
  const spawnTs = (script: string): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const api = spawnTs('src/server.ts');
  const workers = spawnTs('workers/main.ts');
  const children = [api, workers];
  try {
    await waitForPort(port);
    console.log(`Soak: ${USERS} virtual users for ${SECONDS} s against ${base} (API pid ${api.pid}), ${courseIds.length} courses`);
    const started = Date.now();
    const rss: Array<{ t: number; mb: number }> = [{ t: 0, mb: rssMb(api.pid!) }];
    const sampler = setInterval(() => {
      const sample = { t: Math.round((Date.now() - started) / 1000), mb: rssMb(api.pid!) };
      rss.push(sample);
      const requests = KINDS.reduce((a, k) => a + latencies[k].length, 0);
      console.log(`  t=${String(sample.t).padStart(4)} s  rss ${sample.mb} MB  requests ${requests}  errors ${errors.length}`);
    }, SAMPLE_MS);
    const until = started + SECONDS * 1000;
    const pay = (id: string) => stripeClient.paymentIntents.confirm(id, { payment_method: 'pm_card_visa' });
    await Promise.all(Array.from({ length: USERS }, () => new VirtualUser(base, courseIds, pay).run(until)));
    clearInterval(sampler);
    rss.push({ t: Math.round((Date.now() - started) / 1000), mb: rssMb(api.pid!) });
    report(rss, (Date.now() - started) / 1000);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await stripe.close();
  }
}

function report(rss: Array<{ t: number; mb: number }>, seconds: number): void {
  console.log('\nkind     requests    p50 ms    p99 ms');
  let total = 0;
  for (const kind of KINDS) {
    const sorted = [...latencies[kind]].sort((a, b) => a - b);
    total += sorted.length;
    console.log(
      `${kind.padEnd(8)} ${String(sorted.length).padStart(8)} ${percentile(sorted, 50).toFixed(1).padStart(9)} ${percentile(sorted, 99).toFixed(1).padStart(9)}`,
    );
  }
  console.log(
    `total    ${String(total).padStart(8)} in ${seconds.toFixed(0)} s (${(total / seconds).toFixed(1)} req/s); errors: ${errors.length}`,
  );
  const byWhat = new Map<string, { n: number; sample: string }>();
  for (const e of errors) {
    const key = `${e.kind} ${e.what} → ${e.status}`;
    byWhat.set(key, { n: (byWhat.get(key)?.n ?? 0) + 1, sample: e.body });
  }
  for (const [key, { n, sample }] of byWhat) console.log(`  ${n} × ${key}: ${sample}`);

  // Levelled off: after a warm-up (the first fifth of the run), the last third's mean RSS is within 5% of the
  // middle third's. A leak keeps climbing between the two; a warm cache or JIT does not.
  const settled = rss.filter((x) => x.t >= seconds / 5);
  const third = Math.max(1, Math.floor(settled.length / 3));
  const middle = mean(settled.slice(third, 2 * third).map((x) => x.mb));
  const last = mean(settled.slice(-third).map((x) => x.mb));
  const growth = middle ? (last - middle) / middle : 0;
  const levelled = growth < 0.05;
  const mbs = rss.map((x) => x.mb);
  console.log(`\nAPI RSS (MB) every ${SAMPLE_MS / 1000} s: ${mbs.join(' ')}`);
  console.log(
    `RSS start ${mbs[0]} MB, max ${Math.max(...mbs)} MB, end ${mbs.at(-1)} MB; middle third ${middle.toFixed(1)} MB, last third ${last.toFixed(1)} MB ` +
      `(${(growth * 100).toFixed(1)}%): ${levelled ? 'memory levelled off' : 'memory still growing'}`,
  );
  process.exitCode = errors.length === 0 && levelled ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
