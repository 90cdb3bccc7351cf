import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import YAML from 'yaml';
import { startTestServer, type TestServer } from '../../support/harness';
import { writeDreddDocument } from './dreddDocument';
import { operations, readBundle } from '../../support/document';
import { seedContractData } from './fixtures';
import type { ReportEntry } from './hooks';
import { bin, type Child, ROOT, startChild } from '../../support/processes';

/**
 * Dredd against the real server: every documented response of every built operation, with the requests
 * made real by the hooks (test/contract/dredd/hooks.ts). Dredd must exit 0, every operation
 * must have passed its success transaction, and everything Dredd did not run must say why.
 */
let t: TestServer;
let dir: string;
let dredd: Child | undefined;
let fixturesFile: string;
let configFile: string;

before(async () => {
  t = await startTestServer({ workers: true, stripe: true });
  // Deterministic payments: the seed's PaymentIntents must not reach the webhook behind the hooks' back.
  t.stripe!.deliverWebhooks = false;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-dredd-'));
  fixturesFile = path.join(dir, 'fixtures.json');
  fs.writeFileSync(fixturesFile, JSON.stringify(await seedContractData(t)));
  // Dredd takes the document and the URL from its config file whenever it reads one (CLI arguments lose).
  const settings = YAML.parse(fs.readFileSync(path.join(ROOT, 'test/contract/dredd/dredd.yml'), 'utf8')) as Record<string, unknown>;
  configFile = path.join(dir, 'dredd.yml');
  fs.writeFileSync(configFile, YAML.stringify({ ...settings, blueprint: writeDreddDocument(dir), endpoint: `${t.baseUrl}/api/v1` }));
});

after(async () => {
  await dredd?.stop();
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('Dredd passes against the real server', async (ctx) => {
  const reportFile = path.join(dir, 'report.json');
  dredd = startChild(bin('dredd'), ['--config', configFile], {
    env: { ...process.env, LF_DREDD_FIXTURES: fixturesFile, LF_DREDD_REPORT: reportFile, NO_COLOR: '1' },
  });
  const code = await dredd.exited;
  const output = dredd.output();
  assert.ok(fs.existsSync(reportFile), `Dredd wrote no report (did the hooks load?):\n${output.slice(-5000)}`);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ReportEntry[];
  const failed = report.filter((e) => e.outcome === 'failed');
  assert.deepEqual(
    failed.map((e) => `${e.name}: ${e.reason ?? ''}`),
    [],
    `Dredd failures (full output below):\n${output
      .split('\n')
      .filter((l) => /^(fail|error)/.test(l))
      .join('\n')
      .slice(0, 20000)}`,
  );
  assert.equal(code, 0, `Dredd exited ${code}:\n${output.slice(-8000)}`);

  const unchecked = operations(readBundle()).filter(
    (op) => !report.some((e) => e.operationId === op.operationId && e.status < 300 && e.outcome === 'passed'),
  );
  assert.deepEqual(
    unchecked.map((op) => op.operationId),
    [],
    'operations whose success Dredd did not check',
  );
  assert.deepEqual(
    report.filter((e) => e.outcome === 'skipped' && !e.reason).map((e) => e.name),
    [],
    'skipped without a reason',
  );

  const count = (outcome: ReportEntry['outcome']) => report.filter((e) => e.outcome === outcome).length;
  ctx.diagnostic(`${count('passed')} transactions passed, ${count('skipped')} skipped`);
  const reasons = new Map<string, string[]>();
  for (const e of report.filter((x) => x.outcome === 'skipped'))
    reasons.set(e.reason!, [...(reasons.get(e.reason!) ?? []), `${e.operationId} ${e.status}`]);
  for (const [reason, which] of reasons) {
    ctx.diagnostic(`skipped ${which.length}, ${reason}: ${which.length > 8 ? `${which.slice(0, 3).join(', ')}, ...` : which.join(', ')}`);
  }
});
