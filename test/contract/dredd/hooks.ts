import fs from 'node:fs';
import hooks, { type DreddTransaction } from 'hooks';
import { type DocOperation, type Json, operations, readBundle, response } from '../../support/document';
import type { Fixtures } from './fixtures';
import { toJsonSchema } from '../../support/jsonSchema';
import { type Plan, planFor } from './plan';
import type { PreparedRequest } from './preparations';
import { applyPlan } from './request';

/**
 * Dredd's hooks (loaded by Dredd through tsx, see dredd.yml): every transaction is mapped to its operation,
 * then skipped with a reason or turned into a real request (token, ids, body) by plan.ts; before validation
 * the content type loses its charset and the operation's full response schema replaces what Dredd's
 * OpenAPI 3 parser kept (only the example's keys). Each outcome is written to LF_DREDD_REPORT for
 * test/contract/dredd/dredd.test.ts.
 */
const fixtures = JSON.parse(fs.readFileSync(process.env.LF_DREDD_FIXTURES as string, 'utf8')) as Fixtures;
const doc = readBundle();
const API_PREFIX = new URL(fixtures.apiBase).pathname;

/** (method, path template) → operation: Dredd names a transaction by its path template, not its operationId. */
const byRoute = new Map<string, DocOperation>(operations(doc).map((op) => [`${op.method.toUpperCase()} ${op.path}`, op]));

export interface ReportEntry {
  name: string;
  operationId?: string;
  status: number;
  outcome: 'passed' | 'failed' | 'skipped';
  reason?: string;
}
const report = new Map<string, ReportEntry>();

function apply(transaction: DreddTransaction, op: DocOperation, plan: PreparedRequest): void {
  applyPlan(transaction.request, op, plan, fixtures);
  transaction.fullPath = API_PREFIX + transaction.request.uri;
}

/** Sends the prepared request itself (for setups), answering its status. */
async function send(transaction: DreddTransaction): Promise<number> {
  const { request } = transaction;
  const res = await fetch(new URL(transaction.fullPath, fixtures.apiBase), {
    method: request.method,
    headers: request.headers,
    body: request.body || undefined,
  });
  await res.arrayBuffer();
  return res.status;
}

async function runSetup(transaction: DreddTransaction, setup: PreparedRequest['setup']): Promise<void> {
  if (setup === 'repeat') {
    await send(transaction);
  } else if (setup === 'untilReady') {
    const deadline = Date.now() + 30_000;
    while ((await send(transaction)) !== 200) {
      if (Date.now() > deadline) throw new Error('still not 200 after 30 s (is its worker running?)');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Puts the operation's full response schema where Dredd's validator reads it; a PDF gets a signature check instead. */
function expectBody(transaction: DreddTransaction, op: DocOperation, status: number): void {
  const content = (response(doc, op, String(status))?.response.content ?? {}) as Json;
  const json = content['application/json'] as Json | undefined;
  if (json?.schema) {
    transaction.expected.bodySchema = toJsonSchema(doc, json.schema as Json);
  } else if (Object.keys(content).length > 0) {
    // A PDF: gavel cannot compare binary bodies; beforeEachValidation checks the signature instead.
    delete transaction.expected.body;
    delete transaction.expected.bodySchema;
  }
}

hooks.beforeEach((transaction, done) => {
  const status = Number(transaction.expected.statusCode);
  const op = byRoute.get(`${transaction.request.method} ${transaction.origin.resourceName}`);
  const entry: ReportEntry = { name: transaction.name, operationId: op?.operationId, status, outcome: 'skipped' };
  report.set(transaction.name, entry);
  const prepare = async (): Promise<void> => {
    if (!op) throw new Error(`no operation of the contract is ${transaction.request.method} ${transaction.origin.resourceName}`);
    const plan: Plan = planFor(doc, op, status, fixtures);
    if (plan.skip !== undefined) {
      transaction.skip = true;
      entry.reason = plan.skip;
      return;
    }
    apply(transaction, op, plan);
    expectBody(transaction, op, status);
    await runSetup(transaction, plan.setup);
  };
  prepare().then(done, (err: Error) => {
    transaction.fail = `preparing the request failed: ${err.message}`;
    done();
  });
});

hooks.beforeEachValidation((transaction, done) => {
  const real = transaction.real;
  if (real) {
    const contentType = real.headers['content-type'];
    // Dredd compares media types exactly; express always adds the charset.
    if (contentType) real.headers['content-type'] = contentType.replace(/;\s*charset=utf-8$/i, '');
    if (real.headers['content-type'] === 'application/pdf' && transaction.expected.body === undefined) {
      // Dredd hands binary bodies over base64-encoded.
      const bytes = Buffer.from(real.body, real.bodyEncoding === 'base64' ? 'base64' : 'utf8');
      if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') transaction.fail = 'the body is not a PDF';
    }
  }
  done();
});

hooks.afterEach((transaction, done) => {
  const entry = report.get(transaction.name);
  if (entry && !transaction.skip) {
    entry.outcome = transaction.test?.valid && !transaction.fail ? 'passed' : 'failed';
    if (entry.outcome === 'failed') {
      const why = typeof transaction.fail === 'string' ? transaction.fail : transaction.test?.message;
      entry.reason = `${why ?? ''} [sent ${transaction.request.method} ${transaction.fullPath} ${transaction.request.body.slice(0, 300)}; got ${transaction.real?.statusCode ?? '-'} ${(transaction.real?.body ?? '').slice(0, 500)}]`;
    }
  }
  done();
});

hooks.afterAll((_transactions, done) => {
  if (process.env.LF_DREDD_REPORT) fs.writeFileSync(process.env.LF_DREDD_REPORT, JSON.stringify([...report.values()], null, 1));
  done();
});
