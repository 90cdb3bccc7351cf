import type { OperationId } from '../../../src/api/types';
import { type DocOperation, type Json, resolve } from '../../support/document';
import type { Fixtures } from './fixtures';
import { type PreparedRequest, PREPARATIONS, type Skip, UNKNOWN_ID } from './preparations';

/** Statuses Dredd never provokes, and why. */
const NEVER: Record<number, string> = {
  413: 'an oversized body is refused by the express layer before any operation; tested in test/http/input-safety.test.ts',
  429: 'rate limits are tested in test/auth/rate-limit.test.ts; the server under Dredd runs with high limits',
  502: 'needs the payment provider down; covered by the payments tests',
  503: 'needs PostgreSQL down; covered by npm run test:faults (test-faults/postgres-restart.test.ts)',
};

export type Plan = Skip | (PreparedRequest & { skip?: undefined });

function requestSchema(doc: Json, op: DocOperation): Json | undefined {
  const body = op.operation.requestBody as Json | undefined;
  const schema = body ? (resolve(doc, body).content?.['application/json']?.schema as Json | undefined) : undefined;
  return schema ? resolve(doc, schema) : undefined;
}

/**
 * The error statuses every operation gets without an entry in preparations.ts, derived from the success
 * request: no token (401), unknown ids or a page past the end (404), broken JSON (400), a text body (415),
 * an empty or over-broad body, or an oversized page (422).
 */
function defaultFor(doc: Json, op: DocOperation, status: number, { setup: _successOnly, ...success }: PreparedRequest): Plan {
  const body = requestSchema(doc, op);
  const query = op.parameters.filter((p) => p.parameter.in === 'query').map((p) => p.parameter.name as string);
  const pathParams = op.parameters.filter((p) => p.parameter.in === 'path').map((p) => p.parameter.name as string);
  switch (status) {
    case 400:
      return body
        ? { ...success, rawBody: '{"broken": ', headers: { ...success.headers, 'Content-Type': 'application/json' } }
        : { skip: 'no request body to break' };
    case 401: {
      const security = (op.operation.security ?? doc.security) as Json[];
      if (security.length === 0) return { skip: 'a public operation: its 401 needs an entry in preparations.ts' };
      // Where authentication is optional, a present but invalid token is the 401.
      if (security.some((req) => Object.keys(req).length === 0)) return { ...success, as: null, authorization: 'Bearer not-a-valid-token' };
      return { ...success, as: null, authorization: undefined };
    }
    case 404:
      if (pathParams.length > 0) return { ...success, params: Object.fromEntries(pathParams.map((name) => [name, UNKNOWN_ID])) };
      if (query.includes('page')) return { ...success, query: { page: '999' } };
      return { skip: 'no id or page to make unknown: needs an entry in preparations.ts' };
    case 415:
      return body
        ? { ...success, rawBody: 'course_id=1', headers: { ...success.headers, 'Content-Type': 'text/plain' } }
        : { skip: 'no request body' };
    case 422:
      if (body)
        return {
          ...success,
          patch: undefined,
          rawBody: undefined,
          body: Array.isArray(body.required) && body.required.length > 0 ? {} : { unexpected_field: true },
        };
      if (query.includes('page_size')) return { ...success, query: { page_size: '1000' } };
      // Every operation refuses a query parameter it does not document.
      return { ...success, query: { ...success.query, unexpected_parameter: '1' } };
    default:
      return { skip: NEVER[status] ?? `provoking ${status} needs state the tag's own tests build` };
  }
}

/** What the hooks do with Dredd's transaction for `status` of `op`: skip it (with the reason) or send this request. */
export function planFor(doc: Json, op: DocOperation, status: number, fixtures: Fixtures): Plan {
  const operationId = op.operationId as OperationId;
  const preparation = PREPARATIONS[operationId];
  if (!preparation) return { skip: `no preparation for ${operationId} in test/contract/dredd/preparations.ts` };
  const explicit = preparation.statuses?.[status];
  if (explicit) return 'skip' in explicit ? explicit : explicit(fixtures);
  const success = preparation.success(fixtures);
  if (status >= 200 && status < 300) return success;
  return defaultFor(doc, op, status, success);
}
