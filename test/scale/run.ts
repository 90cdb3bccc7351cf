import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import IORedis from 'ioredis';
import knexFactory from 'knex';
import Stripe from 'stripe';
import { ensureBuilt } from '../compiled';
import { ApiClient, type ApiResponse } from '../support/client';
import { databaseUrl } from '../support/databases';
import { BILLING } from '../support/factories/commerce';
import { insertCourse } from '../support/factories/catalog';
import { API_NODE_FLAGS, API_PROCESS_ENV } from '../../src/processModel';

/**
 * `npm run test:scale`: the scale-out proof. Three compiled API processes (start:api, ports SCALE_API_PORTS) and
 * two compiled worker processes (start:workers) on one database and one Redis, the compiled Stripe test server,
 * and this script as the load balancer (round robin over the processes in rotation, out of rotation when
 * readiness is not 200). Each scenario sends the same request to every API process at once and counts the rows
 * it left: exactly one effect each. Prints the figures; exits 1 on the first broken expectation.
 */
const ROOT = path.resolve(__dirname, '../..');
const API_PORTS = (process.env.SCALE_API_PORTS ?? '8103,8104,8105').split(',').map(Number);
const STRIPE_PORT = Number(process.env.SCALE_STRIPE_PORT ?? 12103);
const DB_NAME = `lf_prod_scale_${process.pid}`;
const PREFIX = `lf_prod_scale_${process.pid}`;
const LEARNERS = Number(process.env.SCALE_LEARNERS ?? 12);
const random = (prefix: string): string => `${prefix}${crypto.randomBytes(24).toString('hex')}`;

const figures = { requests: 0, errors: 0, effects: {} as Record<string, number> };
const children: ChildProcess[] = [];
const errorLines: string[] = [];

function start(name: string, script: string, env: Record<string, string>, nodeFlags: readonly string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (c: Buffer): void => {
    tail = (tail + c.toString()).slice(-4000);
    // pino level 50+ (error, fatal): printed when the run fails, so a 500 comes with its cause.
    for (const line of c.toString().split('\n')) if (/"level":(50|60)/.test(line)) errorLines.push(`${name}: ${line.slice(0, 800)}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', (code, signal) => {
    if (!stopping && !expectedExits.has(child)) console.error(`${name} exited unexpectedly (${code ?? signal}):\n${tail}`);
  });
  children.push(child);
  return child;
}
let stopping = false;
const expectedExits = new Set<ChildProcess>();
const exitOf = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

/** Every API process, and the ones the "load balancer" still sends to. */
const apis = API_PORTS.map((port) => ({ port, client: new ApiClient(`http://127.0.0.1:${port}`), inRotation: true }));
let next = 0;
function pick(): ApiClient {
  const live = apis.filter((a) => a.inRotation);
  return live[next++ % live.length]!.client;
}

async function counted<T>(work: Promise<ApiResponse<T>>): Promise<ApiResponse<T>> {
  figures.requests++;
  try {
    const res = await work;
    if (res.status >= 500) figures.errors++;
    return res;
  } catch (err) {
    figures.errors++;
    throw err;
  }
}
/** The same request to every API process at once: the duplicates a retrying client and a load balancer make. */
const everywhere = <T>(send: (c: ApiClient) => Promise<ApiResponse<T>>): Promise<ApiResponse<T>[]> =>
  Promise.all(apis.filter((a) => a.inRotation).map((a) => counted(send(a.client))));

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health/ready/`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`API on ${port} never became ready`);
}
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  ensureBuilt();
  const admin = knexFactory({ client: 'pg', connection: databaseUrl('postgres'), pool: { min: 0, max: 1 } });
  await admin.raw(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.destroy();
  // The release step, compiled, before any process starts (as a deploy pipeline runs it).
  const migrate = spawnSync(process.execPath, [path.join(ROOT, 'dist/db/cli.js'), 'migrate'], {
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl(DB_NAME) },
    encoding: 'utf8',
  });
  assert.equal(migrate.status, 0, migrate.stderr);
  const db = knexFactory({ client: 'pg', connection: databaseUrl(DB_NAME), pool: { min: 0, max: 4 } });
  const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const stripeKeys = {
    STRIPE_SECRET_KEY: random('sk_test_'),
    STRIPE_PUBLISHABLE_KEY: random('pk_test_'),
    STRIPE_WEBHOOK_SECRET: random('whsec_'),
  };
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl(DB_NAME),
    REDIS_PREFIX: PREFIX,
    JWT_ACCESS_SECRET: random('access-'),
    JWT_REFRESH_SECRET: random('refresh-'),
    ...stripeKeys,
    STRIPE_API_HOST: '127.0.0.1',
    STRIPE_API_PORT: String(STRIPE_PORT),
    STRIPE_API_PROTOCOL: 'http',
    STRIPE_TEST_SERVER_PORT: String(STRIPE_PORT),
    STRIPE_WEBHOOK_URL: `http://127.0.0.1:${API_PORTS[0]}/api/v1/payments/webhook/`,
    RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '1000000',
    RATE_LIMIT_LOGIN_FAILURES_PER_IP: '1000000',
    METRICS_PORT: 'off',
    WORKER_METRICS_PORT: 'off',
    WORKER_LOCK_DURATION_MS: '5000',
    // Several of the balancer's polls (100 ms apart, slower on a loaded machine) fit in the drain.
    SHUTDOWN_DRAIN_MS: '3000',
    STORAGE_DIR: path.join(ROOT, 'var', DB_NAME),
  };
  const stripeServer = start('stripe test server', 'dist/stripe-test-server/main.js', env);
  const apiProcs = API_PORTS.map((port) =>
    start(`API :${port}`, 'dist/src/server.js', { ...env, ...API_PROCESS_ENV, PORT: String(port), HOST: '127.0.0.1' }, API_NODE_FLAGS),
  );
  const workerProcs = [0, 1].map((i) => start(`worker ${i + 1}`, 'dist/workers/main.js', env));
  void stripeServer;
  try {
    await Promise.all(API_PORTS.map(waitReady));
    console.log(
      `3 API processes, 2 workers, the Stripe test server: up in ${((Date.now() - started) / 1000).toFixed(0)} s (build included)`,
    );
    const stripe = new Stripe(stripeKeys.STRIPE_SECRET_KEY, { host: '127.0.0.1', port: STRIPE_PORT, protocol: 'http' });
    const course = await insertCourse(db, { priceCents: 4900, sections: 1, lessonsPerSection: 2 });

    // Learners, registered across the processes.
    const learners: Array<{ email: string; access: string; refresh: string }> = [];
    for (let i = 0; i < LEARNERS; i++) {
      const email = `scale-${i}-${crypto.randomBytes(3).toString('hex')}@example.com`;
      const res = await counted(
        pick().post('/auth/register/', { email, password: 'SecurePassword123!', first_name: 'Sca', last_name: 'Le' }),
      );
      assert.equal(res.status, 201, JSON.stringify(res.body));
      learners.push({ email, access: res.body.access_token, refresh: res.body.refresh_token });
      assert.equal((await counted(pick().post('/cart/items/', { course_id: course.id }, { token: res.body.access_token }))).status, 201);
    }

    // 1. Checkout: create-from-cart on every process at once, per learner.
    const orders = await Promise.all(
      learners.map(async (l) => {
        const answers = await everywhere((c) => c.post('/orders/create-from-cart/', { billing_address: BILLING }, { token: l.access }));
        // The contract: the same cart gives the pending order already made; every answer names that one order.
        const ids = new Set(answers.map((a) => (a.status === 201 ? a.body.id : `${a.status} ${a.body?.error?.code}`)));
        assert.equal(ids.size, 1, `one order per cart: ${[...ids].join(', ')}`);
        return [...ids][0] as string;
      }),
    );
    const [orderRows] = await db('orders').count({ n: '*' });
    assert.equal(Number(orderRows!.n), LEARNERS);
    figures.effects.orders = Number(orderRows!.n);

    // 2. Payment: intent, card at Stripe, then confirm-payment on every process and the signed webhook on every
    //    process, all at once.
    await Promise.all(
      learners.map(async (l, i) => {
        const intent = await counted(pick().post('/payments/create-payment-intent/', { order_id: orders[i] }, { token: l.access }));
        assert.equal(intent.status, 201, JSON.stringify(intent.body));
        const paid = await stripe.paymentIntents.confirm(intent.body.payment_intent_id, { payment_method: 'pm_card_visa' });
        const event = {
          id: `evt_scale_${i}_${crypto.randomBytes(4).toString('hex')}`,
          object: 'event',
          type: 'payment_intent.succeeded',
          api_version: '2024-06-20',
          created: Math.floor(Date.now() / 1000),
          data: { object: paid },
        };
        const rawBody = JSON.stringify(event);
        const signature = Stripe.webhooks.generateTestHeaderString({ payload: rawBody, secret: stripeKeys.STRIPE_WEBHOOK_SECRET });
        const [confirms, hooks] = await Promise.all([
          everywhere((c) => c.post('/payments/confirm-payment/', { order_id: orders[i], payment_intent_id: paid.id }, { token: l.access })),
          everywhere((c) =>
            c.post('/payments/webhook/', undefined, {
              rawBody,
              headers: { 'content-type': 'application/json', 'stripe-signature': signature },
            }),
          ),
        ]);
        for (const r of [...confirms, ...hooks]) assert.ok(r.status === 200, `${r.status} ${JSON.stringify(r.body)}`);
      }),
    );
    const count = async (table: string, where: (q: knexFactory.Knex.QueryBuilder) => unknown = () => undefined): Promise<number> => {
      const q = db(table);
      where(q);
      const [row] = await q.count({ n: '*' });
      return Number(row!.n);
    };
    figures.effects.enrollments = await count('enrollments', (q) => q.where({ course_id: course.id }));
    figures.effects.paymentsSucceeded = await count('payments', (q) => q.where({ status: 'succeeded' }));
    figures.effects.ordersCompleted = await count('orders', (q) => q.where({ status: 'completed' }));
    assert.equal(figures.effects.enrollments, LEARNERS, 'one enrollment per paid order');
    assert.equal(figures.effects.paymentsSucceeded, LEARNERS, 'one succeeded payment per order');
    assert.equal(figures.effects.ordersCompleted, LEARNERS);
    figures.effects.receiptJobs = await count('outbox', (q) => q.where({ job_name: 'render-receipt' }));
    assert.equal(figures.effects.receiptJobs, LEARNERS, 'one render-receipt job per order');

    // 3. SIGTERM to worker 1 while the receipts render: none is lost (it finishes its jobs; the rest go to worker 2).
    expectedExits.add(workerProcs[0]!);
    workerProcs[0]!.kill('SIGTERM');
    const workerExit = await exitOf(workerProcs[0]!);
    assert.equal(workerExit, 0, 'the worker drained and exited cleanly');
    await eventually('every receipt rendered', async () => (await count('orders', (q) => q.whereNotNull('receipt_path'))) === LEARNERS);
    figures.effects.receiptsRendered = LEARNERS;

    // 4. Last-lesson completion and reviews, on every process at once.
    const enrollments = await db('enrollments').where({ course_id: course.id }).select('id', 'user_id');
    const users = await db('users')
      .whereIn(
        'email',
        learners.map((l) => l.email),
      )
      .select('id', 'email');
    const enrollmentOf = (email: string): string => enrollments.find((e) => e.user_id === users.find((u) => u.email === email)!.id)!.id;
    await Promise.all(
      learners.map(async (l) => {
        const enrollment = enrollmentOf(l.email);
        const first = await counted(
          pick().post(`/enrollments/${enrollment}/mark-lesson-complete/`, { lesson_id: course.lessonIds[0] }, { token: l.access }),
        );
        assert.equal(first.status, 200, JSON.stringify(first.body));
        const last = await everywhere((c) =>
          c.post(`/enrollments/${enrollment}/mark-lesson-complete/`, { lesson_id: course.lessonIds[1] }, { token: l.access }),
        );
        for (const r of last) assert.equal(r.status, 200, JSON.stringify(r.body));
        const reviews = await everywhere((c) =>
          c.post(`/courses/${course.id}/reviews/`, { rating: 5, comment: 'Worth it.' }, { token: l.access }),
        );
        assert.equal(reviews.filter((r) => r.status === 201).length, 1, reviews.map((r) => r.status).join(','));
      }),
    );
    figures.effects.certificates = await count('certificates');
    figures.effects.reviews = await count('reviews', (q) => q.where({ course_id: course.id }));
    figures.effects.completedEnrollments = await count('enrollments', (q) => q.where({ status: 'completed' }));
    assert.equal(figures.effects.certificates, LEARNERS, 'one certificate per completed course');
    assert.equal(figures.effects.reviews, LEARNERS, 'one review per learner');
    await eventually(
      'every certificate rendered',
      async () => (await count('certificates', (q) => q.whereNotNull('pdf_path'))) === LEARNERS,
    );

    // 5. Rate limits across processes: failed logins for one email, spread over the three processes.
    const victim = learners[0]!;
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        counted(apis[i % apis.length]!.client.post('/auth/login/', { email: victim.email, password: 'WrongPassword123!' })),
      ),
    );
    const refused = attempts.filter((a) => a.status === 429).length;
    figures.effects.loginFailuresCounted = attempts.filter((a) => a.status === 401).length;
    assert.equal(
      figures.effects.loginFailuresCounted,
      5,
      `the per-email limit (5) holds across processes: ${attempts.map((a) => a.status).join(',')}`,
    );
    assert.equal(refused, 7);

    // 6. Refresh-token reuse across processes: rotate on one, replay the old token on another, the family dies.
    const holder = learners[1]!;
    const rotated = await counted(apis[0]!.client.post('/auth/refresh/', { refresh_token: holder.refresh }));
    assert.equal(rotated.status, 200);
    const replay = await counted(apis[1]!.client.post('/auth/refresh/', { refresh_token: holder.refresh }));
    assert.equal(replay.status, 401, JSON.stringify(replay.body));
    const successor = await counted(apis[2]!.client.post('/auth/refresh/', { refresh_token: rotated.body.refresh_token }));
    assert.equal(successor.status, 401, 'reuse revoked the whole family, on every process');

    // 7. SIGTERM to one API process under load: the balancer polls readiness and takes it out; no request is lost.
    const loadErrors: string[] = [];
    let loadRequests = 0;
    let loading = true;
    const poller = (async () => {
      while (loading) {
        await Promise.all(
          apis.map(async (a) => {
            if (!a.inRotation) return;
            const status = await fetch(`http://127.0.0.1:${a.port}/api/v1/health/ready/`).then(
              (r) => r.status,
              () => 0,
            );
            if (status !== 200) a.inRotation = false;
          }),
        );
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const client = async (): Promise<void> => {
      while (loading) {
        const c = pick();
        loadRequests++;
        try {
          const res = await c.get('/courses/', { query: { search: 'course' } });
          if (res.status !== 200) loadErrors.push(`${c.baseUrl} ${res.status}`);
        } catch (err) {
          const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
          loadErrors.push(`${c.baseUrl} ${(err as Error).message} ${cause?.code ?? ''} ${cause?.message ?? ''}`);
        }
      }
    };
    const clients = Array.from({ length: 12 }, client);
    await new Promise((r) => setTimeout(r, 1500));
    const victimApi = apiProcs[1]!;
    expectedExits.add(victimApi);
    victimApi.kill('SIGTERM');
    const apiExit = await exitOf(victimApi);
    await new Promise((r) => setTimeout(r, 1000));
    loading = false;
    await Promise.all([...clients, poller]);
    figures.requests += loadRequests;
    figures.errors += loadErrors.length;
    figures.effects.sigtermLoadRequests = loadRequests;
    assert.equal(apiExit, 0, 'the API process drained and exited cleanly');
    assert.equal(apis[1]!.inRotation, false, 'readiness took it out of rotation');
    assert.deepEqual(loadErrors.slice(0, 5), [], `${loadErrors.length} requests lost during the SIGTERM`);

    console.log(JSON.stringify({ ok: true, seconds: Math.round((Date.now() - started) / 1000), ...figures }, null, 2));
  } finally {
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map(exitOf));
    const keys = await redis.keys(`${PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db.destroy();
    const cleanup = knexFactory({ client: 'pg', connection: databaseUrl('postgres'), pool: { min: 0, max: 1 } });
    await cleanup.raw(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await cleanup.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`test:scale FAILED: ${err.message}`);
    console.error(JSON.stringify(figures, null, 2));
    for (const line of errorLines.slice(0, 10)) console.error(line);
    process.exit(1);
  },
);
