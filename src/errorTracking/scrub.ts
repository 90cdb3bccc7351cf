/**
 * What never leaves the process in an error report (ARCHITECTURE.md, "Error tracking"): credentials, cookies,
 * passwords, tokens and card data. Keys that name a secret lose their value whatever it is; strings anywhere
 * else lose what looks like a bearer token, a JWT, a Stripe secret or a card number. The request of an event
 * keeps its method and path, never its headers, cookies, query string or body.
 */
export const FILTERED = '[Filtered]';

const SECRET_KEY = /pass(word|wd)?|secret|token|auth|cookie|session|card|cvc|cvv|iban|jwt|api[-_]?key|signature|credential/i;
/** Parts of the event that are the SDK's own (ids, sampling, installed package names), never user data. */
const STRUCTURAL_KEYS = new Set([
  'event_id',
  'trace_id',
  'span_id',
  'parent_span_id',
  'sample_rand',
  'timestamp',
  'start_timestamp',
  'lineno',
  'colno',
  'modules',
  'sdk',
]);
const SECRET_PATTERNS: RegExp[] = [
  /\bBearer\s+\S+/gi,
  /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, // a JWT (access or refresh token)
  /\b(?:sk|rk|pk)_(?:test|live)_\w+/g,
  /\bwhsec_\w+/g,
];
/** 13 to 19 digits, spaced or dashed or not: a card number when it passes the Luhn check (a timestamp rarely does). */
const CARD_LIKE = /\b(?:\d[ -]?){12,18}\d\b/g;

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export function scrubString(value: string): string {
  const text = SECRET_PATTERNS.reduce((out, pattern) => out.replace(pattern, FILTERED), value);
  return text.replace(CARD_LIKE, (match) => (passesLuhn(match.replace(/\D/g, '')) ? FILTERED : match));
}

/** A deep copy of `value` with secret keys filtered and secret-looking strings replaced. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object' || depth > 20) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (STRUCTURAL_KEYS.has(key)) out[key] = item;
    else if (SECRET_KEY.test(key)) out[key] = FILTERED;
    else out[key] = scrubValue(item, depth + 1);
  }
  return out;
}

interface ScrubbableEvent {
  request?: { method?: string; url?: string };
}

/** Sentry's beforeSend (and beforeBreadcrumb): the request reduced to method and path, the rest scrubbed. */
export function scrubEvent<E extends ScrubbableEvent>(event: E): E {
  const { request, ...rest } = event;
  const scrubbed = scrubValue(rest) as E;
  delete scrubbed.request;
  if (request) {
    const url = typeof request.url === 'string' ? scrubString(request.url.split('?')[0] as string) : undefined;
    scrubbed.request = { ...(request.method ? { method: request.method } : {}), ...(url ? { url } : {}) };
  }
  return scrubbed;
}
