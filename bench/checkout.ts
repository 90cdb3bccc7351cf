import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { TokenService } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import type { BenchRequest } from './capture';
import { CONNECTIONS, type Round, summarize, type Target } from './measure';
import { BackendCpu, cpuMs } from './proc';
import type { ScenarioResult } from './report';

const BILLING = {
  first_name: 'Bench',
  last_name: 'Buyer',
  email: 'bench@example.com',
  address_line1: '1 Loop Street',
  city: 'Localhost',
  postal_code: '12345',
  country: 'US',
};

/**
 * Fresh learners for the checkout, inserted in SQL as copies of the demo learner (registering thousands through
 * the API would spend minutes in argon2), with access tokens signed by the API's own secret. Each checkout takes a
 * learner of its own, so every one creates a new order and a new PaymentIntent (a learner repeating the same cart
 * would get the pending order back).
 */
export async function freshLearners(probe: Knex, env: NodeJS.ProcessEnv, templateEmail: string, count: number): Promise<Learner[]> {
  const columns = (
    (await probe.raw(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'users'
         AND column_name NOT IN ('id', 'email') AND is_generated = 'NEVER'`,
    )) as { rows: Array<{ column_name: string }> }
  ).rows.map((r) => `"${r.column_name}"`);
  const tag = `${Date.now()}`;
  const { rows } = (await probe.raw(
    `INSERT INTO users (id, email, ${columns.join(', ')})
     SELECT gen_random_uuid(), 'bench-' || ? || '-' || g || '@example.com', ${columns.map((c) => `u.${c}`).join(', ')}
     FROM users u, generate_series(1, ?) g WHERE u.email = ? RETURNING id`,
    [tag, count, templateEmail],
  )) as { rows: Array<{ id: string }> };
  const tokens = new TokenService(loadConfig(env).jwt);
  return rows.map((r) => ({ id: r.id, token: tokens.signAccess(r.id) }));
}

export interface Learner {
  id: string;
  token: string;
}

/** The paid course every checkout buys (one course: the cart fingerprint and amounts are the same each time). */
export async function checkoutCourse(probe: Knex): Promise<string> {
  const row = (await probe('courses').where({ is_published: true }).where('price_cents', '>', 0).orderBy('id').first('id')) as {
    id: string;
  };
  return row.id;
}

const json = (token: string): Record<string, string> => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

/** The three requests of one checkout, the third taking the order id from the second's answer. */
export function checkoutSequence(courseId: string, token: string): BenchRequest[] {
  return [
    { method: 'POST', path: '/api/v1/cart/items/', headers: json(token), body: { course_id: courseId } },
    { method: 'POST', path: '/api/v1/orders/create-from-cart/', headers: json(token), body: { billing_address: BILLING } },
    {
      method: 'POST',
      path: '/api/v1/payments/create-payment-intent/',
      headers: json(token),
      body: { order_id: '' },
      bodyFromPrevious: { order_id: 'id' },
    },
  ];
}

/** Runs one checkout and returns the three answers. */
export async function checkoutOnce(base: string, courseId: string, token: string): Promise<Array<{ status: number; body: string }>> {
  const out: Array<{ status: number; body: string }> = [];
  let previous: Record<string, unknown> = {};
  for (const r of checkoutSequence(courseId, token)) {
    const body = { ...r.body };
    for (const [field, from] of Object.entries(r.bodyFromPrevious ?? {})) body[field] = previous[from];
    const res = await fetch(base + r.path, { method: r.method, headers: r.headers, body: JSON.stringify(body) });
    const text = await res.text();
    previous = text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {};
    out.push({ status: res.status, body: text });
  }
  return out;
}

/** What differs between two checkouts by design (ids, times, order numbers, intents), replaced by placeholders. */
export function normalizeCheckoutBody(body: string): string {
  return body
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
    .replace(/ORD-\d{4}-\d+/g, '<order-number>')
    .replace(/pi_[A-Za-z0-9]+(_secret_[A-Za-z0-9]+)?/g, '<intent>');
}

/**
 * Checkout: add-to-cart, create-from-cart, create-payment-intent (against the local Stripe test server), each
 * checkout by a fresh learner, LearnFlow and the raw replay in alternating rounds. Counted in checkouts (three
 * requests); latencies are per request.
 */
export async function benchCheckout(
  probe: Knex,
  targets: Target[],
  learners: Learner[],
  courseId: string,
  opts: { seconds: number; rounds: number; warmUpSeconds: number },
): Promise<ScenarioResult> {
  let next = 0;
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/api/v1/cart/items/',
      setupRequest: (req, context: { token?: string }) => {
        context.token = learners[next++ % learners.length]!.token;
        return { ...req, headers: json(context.token), body: JSON.stringify({ course_id: courseId }) };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/orders/create-from-cart/',
      setupRequest: (req, context: { token?: string }) => ({
        ...req,
        headers: json(context.token!),
        body: JSON.stringify({ billing_address: BILLING }),
      }),
      onResponse: (_status, body, context: { orderId?: string }) => {
        context.orderId = body.startsWith('{') ? (JSON.parse(body) as { id?: string }).id : undefined;
      },
    },
    {
      method: 'POST',
      path: '/api/v1/payments/create-payment-intent/',
      setupRequest: (req, context: { token?: string; orderId?: string }) => ({
        ...req,
        headers: json(context.token!),
        body: JSON.stringify({ order_id: context.orderId }),
      }),
    },
  ];
  const once = async (target: Target, seconds: number): Promise<Round> => {
    const backends = new BackendCpu(probe, target.applicationName);
    await backends.begin();
    const before = cpuMs(target.pid) ?? 0;
    const started = performance.now();
    const r = await autocannon({ url: target.base, connections: CONNECTIONS, duration: seconds, requests });
    const elapsed = (performance.now() - started) / 1000;
    const serverCpuMs = (cpuMs(target.pid) ?? 0) - before;
    const pgCpuMs = await backends.end();
    return {
      requests: r.requests.total / 3,
      seconds: elapsed,
      p50: r.latency.p50,
      p99: r.latency.p99,
      serverCpuMs,
      pgCpuMs,
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
    };
  };
  for (const t of targets) await once(t, opts.warmUpSeconds);
  const rounds: Record<string, Round[]> = { learnflow: [], baseline: [] };
  for (let i = 0; i < opts.rounds; i++) {
    for (const t of i % 2 === 0 ? targets : [...targets].reverse()) rounds[t.name]!.push(await once(t, opts.seconds));
  }
  return {
    id: 'checkout',
    title: 'checkout: add-to-cart + create-from-cart + create-payment-intent',
    unit: 'checkout',
    learnflow: summarize(rounds.learnflow!),
    baseline: rounds.baseline!.length ? summarize(rounds.baseline!) : undefined,
  };
}
