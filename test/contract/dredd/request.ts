import crypto from 'node:crypto';
import type { DocOperation, Json } from '../../support/document';
import type { Fixtures } from './fixtures';
import type { PreparedRequest } from './preparations';

/** The request as Dredd holds it: `uri` is the path (and query) under the API's base path. */
export interface HttpRequest {
  method: string;
  uri: string;
  headers: Record<string, string>;
  body: string;
}

function setHeader(headers: Record<string, string>, name: string, value: string | undefined): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
  if (value !== undefined) headers[name] = value;
}

/** The path with the prepared ids put in place of the template's parameters; the others keep their value. */
function pathFor(template: string, currentPath: string, params: Record<string, string> = {}): string {
  const current = currentPath.split('/');
  return template
    .split('/')
    .map((segment, i) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1];
      return name && params[name] !== undefined ? encodeURIComponent(params[name]) : (current[i] ?? segment);
    })
    .join('/');
}

/** Stripe's signature scheme (what stripe.webhooks.generateTestHeaderString computes): HMAC-SHA256 of `t.payload`. */
function stripeSignature(payload: string, secret: string): string {
  const timestamp = Math.floor(Date.now() / 1000);
  const v1 = crypto.createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/** Turns the example request (Dredd's) into the prepared one, in place: path ids, query, token, headers, body. */
export function applyPlan(request: HttpRequest, op: DocOperation, plan: PreparedRequest, fixtures: Fixtures): void {
  const [currentPath, currentQuery] = request.uri.split('?') as [string, string | undefined];
  const path = pathFor(op.path, currentPath, plan.params);
  const query = plan.query ? new URLSearchParams(plan.query).toString() : (currentQuery ?? '');
  request.uri = query ? `${path}?${query}` : path;

  const token = plan.as ? fixtures.users[plan.as].access : undefined;
  setHeader(request.headers, 'Authorization', plan.authorization ?? (token ? `Bearer ${token}` : undefined));
  for (const [name, value] of Object.entries(plan.headers ?? {})) setHeader(request.headers, name, value);

  if (plan.rawBody !== undefined) request.body = plan.rawBody;
  else if (plan.body !== undefined) request.body = JSON.stringify(plan.body);
  else if (plan.patch) request.body = JSON.stringify({ ...(JSON.parse(request.body || '{}') as Json), ...plan.patch });
  if (request.body && !Object.keys(request.headers).some((h) => h.toLowerCase() === 'content-type'))
    setHeader(request.headers, 'Content-Type', 'application/json');
  if (plan.stripeSignature) setHeader(request.headers, 'Stripe-Signature', stripeSignature(request.body, fixtures.webhookSecret));
}
