import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeForm, type FormObject } from './form';
import { randomId, StripeAccount, StripeApiError } from './objects';
import { WebhookSender } from './webhooks';

export interface StripeTestServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  /** Where events are POSTed, signed; null records them without sending. */
  webhookUrl: string | null;
  log?: (line: string) => void;
}

export interface StripeTestServer {
  url: string;
  host: string;
  port: number;
  account: StripeAccount;
  webhooks: WebhookSender;
  /** False: events are still recorded in `account.events` but not sent (a test then delivers them itself). */
  deliverWebhooks: boolean;
  close: () => Promise<void>;
}

type Role = 'secret' | 'publishable';
interface Call {
  role: Role;
  params: FormObject;
  request: { id: string; idempotencyKey: string | null };
}
interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** Publishable keys may only call routes that take the intent's client_secret, as Stripe.js does. */
  publishable?: boolean;
  run: (account: StripeAccount, call: Call, id: string) => unknown;
}

const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/v1\/payment_intents$/, run: (a, c) => a.createPaymentIntent(c.params, c.request) },
  {
    method: 'GET',
    pattern: /^\/v1\/payment_intents\/([^/]+)$/,
    publishable: true,
    run: (a, c, id) => withClientSecret(a, c, id, () => a.retrievePaymentIntent(id)),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
    publishable: true,
    run: (a, c, id) => withClientSecret(a, c, id, () => a.confirmPaymentIntent(id, c.params, c.request)),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
    run: (a, c, id) => a.cancelPaymentIntent(id, c.params, c.request),
  },
  { method: 'POST', pattern: /^\/v1\/refunds$/, run: (a, c) => a.createRefund(c.params, c.request) },
  { method: 'GET', pattern: /^\/v1\/refunds\/([^/]+)$/, run: (a, _c, id) => a.retrieveRefund(id) },
  { method: 'GET', pattern: /^\/v1\/charges\/([^/]+)$/, run: (a, _c, id) => a.retrieveCharge(id) },
];

/** With a publishable key, the intent's client secret must come with the call (Stripe.js sends it). */
function withClientSecret<T>(account: StripeAccount, call: Call, id: string, run: () => T): T {
  if (call.role === 'publishable' && account.retrievePaymentIntent(id).client_secret !== call.params.client_secret) {
    throw new StripeApiError(404, {
      type: 'invalid_request_error',
      code: 'resource_missing',
      message: `No such payment_intent: '${id}'`,
      param: 'intent',
    });
  }
  return run();
}

function apiKeyOf(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic)
    return Buffer.from(basic[1] as string, 'base64')
      .toString('utf8')
      .split(':')[0];
  return undefined;
}

/** Same parameters whatever their order in the body. */
function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Answer {
  status: number;
  body: unknown;
}

/**
 * A small Stripe-compatible HTTP API for development and tests (Stripe itself cannot be reached from here):
 * PaymentIntents (create, retrieve, confirm with test payment methods, cancel) and refunds, form-encoded bodies,
 * API-key auth, Idempotency-Key replay, and signed webhook events sent to the API.
 */
export async function startStripeTestServer(opts: StripeTestServerOptions): Promise<StripeTestServer> {
  const log = opts.log ?? (() => undefined);
  const account = new StripeAccount();
  const webhooks = new WebhookSender(opts.webhookUrl, opts.webhookSecret, log);
  const idempotent = new Map<string, { fingerprint: string; answer: Answer }>();

  const execute = (req: http.IncomingMessage, path: string, params: FormObject, idempotencyKey: string | null): Answer => {
    const key = apiKeyOf(req);
    const role: Role | undefined = key === opts.secretKey ? 'secret' : key === opts.publishableKey ? 'publishable' : undefined;
    if (!role) {
      const message = key
        ? `Invalid API Key provided: ${key.slice(0, 8)}***`
        : 'You did not provide an API key. Provide it in the Authorization header (Bearer auth).';
      return { status: 401, body: { error: { type: 'invalid_request_error', message } } };
    }
    for (const route of ROUTES) {
      const match = route.pattern.exec(path);
      if (!match || route.method !== req.method) continue;
      if (role === 'publishable' && !route.publishable) {
        return {
          status: 401,
          body: { error: { type: 'invalid_request_error', message: 'This API call cannot be made with a publishable API key.' } },
        };
      }
      try {
        const call: Call = { role, params, request: { id: randomId('req'), idempotencyKey } };
        return { status: 200, body: route.run(account, call, decodeURIComponent(match[1] ?? '')) };
      } catch (err) {
        if (err instanceof StripeApiError) return { status: err.status, body: { error: err.body } };
        log(`internal error: ${(err as Error).stack ?? String(err)}`);
        return { status: 500, body: { error: { type: 'api_error', message: 'An unknown error occurred' } } };
      }
    }
    return {
      status: 404,
      body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path}).` } },
    };
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://stripe.test');
      const raw = req.method === 'POST' ? await readBody(req) : url.search.slice(1);
      const params = decodeForm(raw);
      const idempotencyKey = req.method === 'POST' ? ((req.headers['idempotency-key'] as string | undefined) ?? null) : null;
      const eventsBefore = account.events.length;
      let answer: Answer;
      let replayed = false;
      const cacheKey = idempotencyKey ? `${apiKeyOf(req) ?? ''}|${idempotencyKey}` : undefined;
      const fingerprint = `${req.method} ${url.pathname} ${canonical(params)}`;
      const cached = cacheKey ? idempotent.get(cacheKey) : undefined;
      if (cached && cached.fingerprint !== fingerprint) {
        answer = {
          status: 400,
          body: {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
          },
        };
      } else if (cached) {
        answer = cached.answer;
        replayed = true;
      } else {
        answer = execute(req, url.pathname, params, idempotencyKey);
        // Like Stripe, a result is saved once the request ran (errors included), not when auth refused it.
        if (cacheKey && answer.status !== 401 && answer.status < 500) idempotent.set(cacheKey, { fingerprint, answer });
      }
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'request-id': randomId('req'),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
      res.end(JSON.stringify(answer.body));
      log(`${req.method} ${url.pathname} → ${answer.status}${replayed ? ' (idempotent replay)' : ''}`);
      if (handle.deliverWebhooks) for (const event of account.events.slice(eventsBefore)) webhooks.send(event);
    })().catch((err) => {
      log(`request failed: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred' } }));
    });
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const handle: StripeTestServer = {
    url: `http://${host}:${port}`,
    host,
    port,
    account,
    webhooks,
    deliverWebhooks: true,
    close: async () => {
      webhooks.close();
      await webhooks.settled();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return handle;
}
