import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiResponse } from '../support/client';
import { useTestServer } from '../support/harness';
import {
  allowsAnonymous,
  buildWorld,
  contractOperations,
  type ContractOperation,
  expectedFor,
  fillPath,
  OPERATIONS,
  type OperationCase,
  ownerOf,
  ROLES,
  tokenOf,
  type World,
} from './operations';

/**
 * OWASP API Security Top 10 (2023), API1 and API5: the role matrix. Every operation of the contract is
 * classified in ./operations.ts; each one is called by anonymous, learner, other learner, instructor and other
 * instructor on a fresh object of its rightful owner. The wrong roles must get 401 (no token), 403 (wrong
 * function) or 404 (someone else's object), never 2xx, and no answer to them may contain the learner's private
 * values, nor be cacheable (Cache-Control: no-store). The owner's own call comes last and must succeed: it proves the request was right, so each refusal
 * above it is a refusal of the role and not of a malformed request.
 */
let w: World;
const t = useTestServer({ stripe: true }, async () => {
  w = await buildWorld(t);
});

function assertNoSecrets(res: ApiResponse, role: string, label: string): void {
  if (!res.headers.get('content-type')?.startsWith('application/json')) return;
  const text = JSON.stringify(res.body);
  for (const secret of w.secrets) assert.ok(!text.includes(secret), `${label}: ${role} received the learner's ${secret}`);
}

async function runCase(op: ContractOperation, c: OperationCase): Promise<void> {
  const label = `${op.method} ${op.path}`;
  const target = c.target ? await c.target(w) : {};
  const url = fillPath(op.path, target.params);
  const owner = ownerOf(c.kind);
  for (const role of ROLES) {
    if (role === owner || c.skip?.includes(role)) continue;
    const res = await t.api.request(op.method, url, { token: tokenOf(w, role), body: target.body });
    const expected = c.expect?.[role] ?? expectedFor(c.kind, role);
    const seen = `${role} got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
    if (expected === 'any-non-5xx') assert.ok(res.status < 500, `${label}: ${seen}`);
    else assert.ok(expected.includes(res.status), `${label}: expected ${expected.join('/')}, ${seen}`);
    if (res.status >= 400) assert.equal(typeof res.body?.error?.code, 'string', `${label}: ${role} got no error envelope`);
    if (role !== 'learner') assertNoSecrets(res, role, label);
    // Whatever it answers, an operation that needs a token, or a request that carries one, is never cached.
    if (!allowsAnonymous(op) || role !== 'anonymous') {
      assert.match(res.headers.get('cache-control') ?? '', /no-store/, `${label}: ${role}'s answer may be cached`);
    }
  }
  await c.intact?.(w, target);
  if (owner && c.owner) {
    const res = await t.api.request(op.method, url, { token: tokenOf(w, owner), body: target.body });
    assert.ok(c.owner.includes(res.status), `${label}: the owner (${owner}) got ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  }
}

const operations = contractOperations();
const isObjectLevel = (c: OperationCase | undefined): boolean => c?.kind === 'learnerOwned' || c?.kind === 'instructorOwned';

describe('the classification', () => {
  it('covers every operation of the contract, and nothing else', () => {
    const inContract = operations.map((o) => o.operationId).sort();
    const unclassified = inContract.filter((id) => !OPERATIONS[id]);
    assert.deepEqual(unclassified, [], 'classify these in test/security/operations.ts');
    assert.deepEqual(
      Object.keys(OPERATIONS).filter((id) => !inContract.includes(id)),
      [],
      'classified but not in the contract',
    );
  });
});

// API1: Broken Object Level Authorization. Every operation that names an object (a path id, or an order id in
// the body) is tried on another user's object: 404 for a learner's objects (their existence is not revealed),
// 403 or 404 for an instructor's courses, 401 without a token, and the object is left as it was.
describe('API1:2023 Broken Object Level Authorization', () => {
  for (const op of operations.filter((o) => isObjectLevel(OPERATIONS[o.operationId]))) {
    it(`${op.operationId}: ${op.method} ${op.path}`, () => runCase(op, OPERATIONS[op.operationId] as OperationCase));
  }
});

// API5: Broken Function Level Authorization. The operations that name no foreign object: a token is required
// wherever the contract says so (401 without), instructor functions refuse learners (403), account operations
// act on the caller only (another user's data never appears), and the webhook refuses unsigned calls.
describe('API5:2023 Broken Function Level Authorization', () => {
  for (const op of operations.filter((o) => OPERATIONS[o.operationId] && !isObjectLevel(OPERATIONS[o.operationId]))) {
    it(`${op.operationId}: ${op.method} ${op.path}`, () => runCase(op, OPERATIONS[op.operationId] as OperationCase));
  }
});
