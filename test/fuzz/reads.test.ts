import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestServer, TestServer } from '../support/harness';
import { buildWorld, fuzz, SEED, summarize } from './fuzzer';

/** Schema-driven fuzzing of every GET operation: no 5xx, only documented statuses and bodies. */
let t: TestServer;
before(async () => {
  t = await startTestServer({ stripe: true });
});
after(async () => {
  await t.close();
});

it('answers every generated request of every GET operation with a documented status and body, never a 5xx', async () => {
  const world = await buildWorld(t);
  const started = Date.now();
  const report = await fuzz(t, world, (op) => op.method === 'get', 120);
  console.log(`fuzz reads: ${report.requests} requests, seed ${SEED}, ${Date.now() - started} ms, statuses ${JSON.stringify(report.statuses)}`);
  assert.equal(report.findings.length, 0, `${report.findings.length} findings (replay with FUZZ_SEED=${SEED}):\n${summarize(report.findings)}`);
});
