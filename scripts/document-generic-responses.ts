import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, parseDocument, Scalar, YAMLMap } from 'yaml';

/**
 * The statuses the express layer and openapi-backend can answer on any operation, whatever its handler does:
 * a body that is not JSON or cannot be read (400), a missing or bad token where a token is looked at (401), a
 * malformed path id (404), a body over BODY_LIMIT (413), a non-JSON body on a write or a body in an unknown
 * charset or encoding (415), an unknown or invalid query parameter or body field (422), the global rate limit
 * (429), PostgreSQL not answering (503, proved by `npm run test:faults`). Every operation documents each of them, so that a client (and the tests' contract check) never meets
 * an undocumented status.
 *
 * `npx tsx scripts/document-generic-responses.ts` adds the missing ones to openapi/paths/*.yaml as $refs to the
 * shared responses (keeping the operation's own, more specific response where it has one);
 * test/contract/generic-responses.test.ts fails when an operation lacks one.
 */
const SHARED: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  404: 'NotFound',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'ValidationError',
  429: 'RateLimited',
  503: 'ServiceUnavailable',
};

export interface OperationShape {
  method: string;
  /** The operation's `security`, or undefined to inherit the document's (bearerAuth). */
  security: unknown[] | undefined;
  hasPathParameters: boolean;
}

export function genericStatuses(op: OperationShape): number[] {
  // 415 on every method: body-parser reads a JSON body on any of them and refuses an unknown charset or encoding.
  const statuses = [400, 413, 415, 422, 429, 503];
  const security = op.security ?? [{ bearerAuth: [] }];
  if (security.some((req) => req && typeof req === 'object' && Object.keys(req).length > 0)) statuses.push(401);
  if (op.hasPathParameters) statuses.push(404);
  return statuses.sort((a, b) => a - b);
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function documentFile(file: string): number {
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  let added = 0;
  for (const pathItem of (doc.contents as YAMLMap).items) {
    const pathKey = String((pathItem.key as Scalar).value);
    const item = pathItem.value as YAMLMap;
    const pathLevelParams = item.get('parameters');
    for (const method of METHODS) {
      const op = item.get(method);
      if (!isMap(op)) continue;
      const security = op.toJSON().security as unknown[] | undefined;
      const hasPathParameters = /\{[^}]+\}/.test(pathKey) || Boolean(pathLevelParams);
      const responses = op.get('responses') as YAMLMap;
      const present = new Set(responses.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key)));
      for (const status of genericStatuses({ method, security, hasPathParameters })) {
        if (present.has(String(status))) continue;
        const target = new Scalar(`../components/responses.yaml#/${SHARED[status]}`);
        target.type = Scalar.QUOTE_SINGLE;
        const ref = new YAMLMap();
        ref.add(doc.createPair('$ref', target));
        const key = new Scalar(String(status));
        key.type = Scalar.QUOTE_SINGLE;
        responses.add(doc.createPair(key, ref));
        added++;
      }
      responses.items.sort((a, b) => String((a.key as Scalar).value).localeCompare(String((b.key as Scalar).value)));
    }
  }
  if (added > 0) fs.writeFileSync(file, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
  return added;
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '../openapi/paths');
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const added = documentFile(path.join(dir, name));
    if (added > 0) console.log(`${name}: ${added} responses added`);
  }
}
