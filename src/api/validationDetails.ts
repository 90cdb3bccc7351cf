import type { ErrorObject } from 'ajv';
import type { ErrorDetails } from '../errors';

/** The request parts openapi-backend validates, as the first segment of each error's instancePath. */
const PARTS = new Set(['requestBody', 'query', 'path', 'headers', 'cookies']);

function fieldName(err: ErrorObject): string {
  const segments = err.instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (segments.length > 0 && PARTS.has(segments[0] as string)) segments.shift();
  if (err.keyword === 'required') segments.push(String(err.params.missingProperty));
  if (err.keyword === 'additionalProperties') segments.push(String(err.params.additionalProperty));
  return segments.length > 0 ? segments.join('.') : 'non_field_errors';
}

/**
 * The contract's patterns other than HttpUrl, in the words the services use for the same mistake (the country
 * check in src/services/orders.ts says the same), so 'USA' and 'ZZ' get one message whichever layer refuses it.
 */
const PATTERN_MESSAGES: Record<string, string> = {
  '^[A-Z]{2}$': 'Use a two-letter ISO 3166-1 country code, e.g. US.',
  '^pi_[A-Za-z0-9_]+$': 'Must be a Stripe PaymentIntent id (pi_...).',
};

function message(err: ErrorObject): string {
  switch (err.keyword) {
    case 'required':
      return 'This field is required.';
    case 'additionalProperties':
      return 'This field is not allowed.';
    case 'type':
      return `Must be of type ${String(err.params.type)}.`;
    case 'format':
      return `Must be a valid ${String(err.params.format)}.`;
    case 'enum':
      return `Must be one of: ${(err.params.allowedValues as unknown[]).join(', ')}.`;
    case 'pattern': {
      // Say it in words, not as a regex: a frontend shows these messages as they are.
      const pattern = String(err.params.pattern);
      if (pattern.startsWith('^https?://')) return 'Must be an absolute http:// or https:// URL.';
      if (PATTERN_MESSAGES[pattern]) return PATTERN_MESSAGES[pattern];
      return err.message ? `${err.message[0]?.toUpperCase()}${err.message.slice(1)}.` : 'Invalid value.';
    }
    case 'minLength':
      return `Ensure this field has at least ${String(err.params.limit)} characters.`;
    case 'maxLength':
      return `Ensure this field has no more than ${String(err.params.limit)} characters.`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `Must be ${String(err.params.comparison)} ${String(err.params.limit)}.`;
    default:
      return err.message ? `${err.message[0]?.toUpperCase()}${err.message.slice(1)}.` : 'Invalid value.';
  }
}

/**
 * Turns ajv errors into the guide's `{"field": ["message", ...]}` shape. Nested fields are dotted
 * (`billing_address.email`); errors about the body as a whole go under `non_field_errors`.
 */
export function toValidationDetails(errors: ErrorObject[]): ErrorDetails {
  // No prototype: a client's field may be named `constructor` or `__proto__`, and must stay a plain key.
  const details: ErrorDetails = Object.create(null) as ErrorDetails;
  for (const err of errors) {
    // oneOf/anyOf wrappers repeat what their branches already said.
    if (err.keyword === 'oneOf' || err.keyword === 'anyOf' || err.keyword === 'if') continue;
    const field = fieldName(err);
    const list = details[field] ?? [];
    details[field] = list;
    const text = message(err);
    if (!list.includes(text)) list.push(text);
  }
  if (Object.keys(details).length === 0) details.non_field_errors = ['Invalid input.'];
  return details;
}
