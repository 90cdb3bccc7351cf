import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { TokenService } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
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
async function freshLearners(probe: Knex, env: NodeJS.ProcessEnv, templateEmail: string, count: number): Promise<string[]> {
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
  return rows.map((r) => tokens.signAccess(r.id));
}

/**
 * Checkout: add-to-cart, create-from-cart, create-payment-intent (against the local Stripe test server), each
 * checkout by a fresh learner. Counted in checkouts (three requests); latencies are per request.
 */
export async function benchCheckout(
  probe: Knex,
  env: NodeJS.ProcessEnv,
  api: Target,
  opts: { templateEmail: string; seconds: number; rounds: number; warmUpSeconds: number },
): Promise<ScenarioResult> {
  const course = (await probe('courses').where({ is_published: true }).where('price_cents', '>', 0).orderBy('id').first('id')) as {
    id: string;
  };
  const tokens = await freshLearners(probe, env, opts.templateEmail, 20_000);
  let next = 0;
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/api/v1/cart/items/',
      setupRequest: (req, context: { token?: string }) => {
        context.token = tokens[next++ % tokens.length];
        return {
          ...req,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${context.token}` },
          body: JSON.stringify({ course_id: course.id }),
        };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/orders/create-from-cart/',
      setupRequest: (req, context: { token?: string }) => ({
        ...req,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${context.token}` },
        body: JSON.stringify({ billing_address: BILLING }),
      }),
      onResponse: (_status, body, context: { orderId?: string }) => {
        context.orderId = (JSON.parse(body) as { id?: string }).id;
      },
    },
    {
      method: 'POST',
      path: '/api/v1/payments/create-payment-intent/',
      setupRequest: (req, context: { token?: string; orderId?: string }) => ({
        ...req,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${context.token}` },
        body: JSON.stringify({ order_id: context.orderId }),
      }),
    },
  ];
  const once = async (seconds: number): Promise<Round> => {
    const backends = new BackendCpu(probe, api.applicationName);
    await backends.begin();
    const before = cpuMs(api.pid) ?? 0;
    const started = performance.now();
    const r = await autocannon({ url: api.base, connections: CONNECTIONS, duration: seconds, requests });
    const elapsed = (performance.now() - started) / 1000;
    const serverCpuMs = (cpuMs(api.pid) ?? 0) - before;
    const pgCpuMs = await backends.end();
    const checkouts = r.requests.total / 3;
    return {
      requests: checkouts,
      seconds: elapsed,
      p50: r.latency.p50,
      p99: r.latency.p99,
      serverCpuMs,
      pgCpuMs,
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
    };
  };
  await once(opts.warmUpSeconds);
  const rounds: Round[] = [];
  for (let i = 0; i < opts.rounds; i++) rounds.push(await once(opts.seconds));
  return {
    id: 'checkout',
    title: 'checkout: add-to-cart + create-from-cart + create-payment-intent',
    unit: 'checkout',
    learnflow: summarize(rounds),
    problem: 'raw-SQL baseline not built yet',
  };
}
