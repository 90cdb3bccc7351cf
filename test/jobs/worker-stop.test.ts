import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import pino from 'pino';
import { enqueueJob } from '../../src/jobs/outbox';
import { startWorkers } from '../../workers/runtime';
import { DEAD_REDIS, startTestServer, type TestServer } from '../support/harness';
import { registerLearner } from '../support/users';

/**
 * SIGTERM reaches a worker process as runtime.stop(). It must return whether or not Redis answers: with Redis
 * unreachable BullMQ's own close never does (taskforcesh/bullmq#4656), and a worker that hangs on SIGTERM is
 * killed by the orchestrator without a word. The jobs it could not hand over stay in the outbox.
 */

let up: TestServer;
let down: TestServer;
before(async () => {
  up = await startTestServer();
  down = await startTestServer({ env: { REDIS_URL: DEAD_REDIS } });
});
after(async () => {
  await down.close();
  await up.close();
});

/** A logger whose warnings the test can read. */
function recordingLog(): { log: pino.Logger; warnings: () => string[] } {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

it('stops while Redis is unreachable: cuts its connections after the timeout and keeps the jobs in the outbox', {
  timeout: 30_000,
}, async () => {
  const { log, warnings } = recordingLog();
  const runtime = startWorkers(down.config, down.db, log, { relayIntervalMs: 50, stopTimeoutMs: 300 });
  const learner = await registerLearner(down.api);
  await down.db.transaction((trx) => enqueueJob(trx, 'recompute-learner-stats', { userId: learner.id }));
  // The relay has tried (and failed) to hand the job over at least once.
  await new Promise((resolve) => setTimeout(resolve, 200));

  await runtime.stop();

  assert.ok(
    warnings().some((m) => m.startsWith('workers did not close in time')),
    `the cut is logged: ${JSON.stringify(warnings())}`,
  );
  const unsent = await down.db('outbox').whereNull('sent_at').where({ job_name: 'recompute-learner-stats' }).count({ n: '*' });
  assert.ok(Number(unsent[0]!.n) >= 1, 'the job waits in the outbox for a worker that reaches Redis');
});

it('closes gracefully while Redis answers, without reaching the timeout', { timeout: 30_000 }, async () => {
  const { log, warnings } = recordingLog();
  const runtime = startWorkers(up.config, up.db, log, { relayIntervalMs: 50, stopTimeoutMs: 20_000 });
  await runtime.worker.waitUntilReady();
  await runtime.stop();
  assert.deepEqual(warnings(), []);
});
