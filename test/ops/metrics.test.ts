import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { enqueueJob } from '../../src/jobs/outbox';
import { registerJobMetrics } from '../../src/metrics/jobs';
import { registerPoolMetrics } from '../../src/metrics/pool';
import { createRegistry } from '../../src/metrics/registry';
import { type MetricsServer, startMetricsServer } from '../../src/metrics/server';
import { startWorkers } from '../../workers/runtime';
import { DEAD_REDIS, eventually, startTestServer, type TestServer } from '../support/harness';
import { registerLearner } from '../support/users';

let t: TestServer;
let down: TestServer;
let metrics: MetricsServer;
let downMetrics: MetricsServer;
before(async () => {
  t = await startTestServer();
  down = await startTestServer({ env: { REDIS_URL: DEAD_REDIS } });
  // As src/server.ts does, on a port of its own (0: any free one) on loopback.
  metrics = await startMetricsServer(t.deps.metrics.registry, { port: 0, host: '127.0.0.1' });
  downMetrics = await startMetricsServer(down.deps.metrics.registry, { port: 0, host: '127.0.0.1' });
});
after(async () => {
  await metrics.close();
  await downMetrics.close();
  await down.close();
  await t.close();
});

async function scrape(server: MetricsServer = metrics): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample whose labels include `labels` (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

const LIST_COURSES_OK = { operation_id: 'listCourses', method: 'GET', status: '200' };

it('counts requests by operationId and status, and times them', async () => {
  const before = sample(await scrape(), 'learnflow_http_request_duration_seconds_count', LIST_COURSES_OK) ?? 0;
  for (let i = 0; i < 3; i++) assert.equal((await t.api.get('/courses/')).status, 200);
  const missing = await t.api.get('/courses/00000000-0000-4000-8000-000000000000/');
  assert.equal(missing.status, 404);
  const text = await scrape();
  assert.equal(sample(text, 'learnflow_http_request_duration_seconds_count', LIST_COURSES_OK), before + 3);
  assert.ok((sample(text, 'learnflow_http_request_duration_seconds_sum', LIST_COURSES_OK) ?? 0) > 0);
  assert.equal(sample(text, 'learnflow_http_request_duration_seconds_bucket', { ...LIST_COURSES_OK, le: '+Inf' }), before + 3);
  assert.ok(sample(text, 'learnflow_http_request_duration_seconds_count', { status: '404', method: 'GET' }), 'the 404 is counted too');
});

it('labels a request no route matched as "unrouted", never with the client\'s path', async () => {
  const res = await fetch(`${t.baseUrl}/api/v1/no-such-thing-${Date.now()}/`);
  assert.equal(res.status, 404);
  const text = await scrape();
  assert.ok((sample(text, 'learnflow_http_request_duration_seconds_count', { operation_id: 'unrouted', status: '404' }) ?? 0) >= 1);
  assert.doesNotMatch(text, /no-such-thing/);
});

it('shows the database pool, the event loop and the queue', async () => {
  await t.api.get('/courses/');
  const text = await scrape();
  for (const name of ['learnflow_db_pool_used', 'learnflow_db_pool_free', 'learnflow_db_pool_waiting']) {
    const value = sample(text, name, { role: 'api' });
    assert.ok(value !== undefined && value >= 0, `${name} is present`);
  }
  assert.equal(sample(text, 'learnflow_db_pool_max'), 10);
  assert.ok((sample(text, 'learnflow_db_pool_free') ?? 0) + (sample(text, 'learnflow_db_pool_used') ?? 0) >= 1, 'a connection was opened');
  assert.ok(sample(text, 'nodejs_eventloop_lag_seconds') !== undefined, 'event-loop lag');
  assert.ok(sample(text, 'nodejs_eventloop_lag_p99_seconds') !== undefined);
  assert.equal(sample(text, 'learnflow_queue_probe_up'), 1);
  for (const state of ['waiting', 'active', 'delayed', 'failed']) {
    assert.equal(typeof sample(text, 'learnflow_queue_jobs', { queue: 'learnflow-jobs', state }), 'number', state);
  }
});

it('reports the outbox backlog and the age of its oldest row', async () => {
  let text = await scrape();
  assert.equal(sample(text, 'learnflow_outbox_probe_up'), 1);
  const backlog = sample(text, 'learnflow_outbox_backlog') ?? -1;
  assert.ok(backlog >= 0);
  // No relay runs in this file's server: the row stays in the outbox.
  await t.db.transaction((trx) => enqueueJob(trx, 'recompute-course-stats', { courseId: '00000000-0000-4000-8000-000000000002' }));
  await t
    .db('outbox')
    .whereNull('sent_at')
    .update({ created_at: t.db.raw("now() - interval '90 seconds'") });
  text = await scrape();
  assert.equal(sample(text, 'learnflow_outbox_backlog'), backlog + 1);
  const age = sample(text, 'learnflow_outbox_oldest_age_seconds') ?? 0;
  assert.ok(age >= 90 && age < 300, `oldest row age ${age}`);
});

it('answers a scrape quickly while Redis is down, with the queue probe down and the rest intact', async () => {
  await down.api.get('/courses/');
  const started = Date.now();
  const text = await scrape(downMetrics);
  const ms = Date.now() - started;
  // The probe gives up after 1 s; without it the scrape would wait on Redis without end. 5 s leaves room for a
  // loaded CI machine while still telling a bounded scrape from a hung one.
  assert.ok(ms < 5000, `scrape took ${ms} ms`);
  assert.equal(sample(text, 'learnflow_queue_probe_up'), 0);
  assert.equal(sample(text, 'learnflow_queue_jobs'), undefined);
  assert.equal(sample(text, 'learnflow_outbox_probe_up'), 1);
  assert.ok((sample(text, 'learnflow_http_request_duration_seconds_count', LIST_COURSES_OK) ?? 0) >= 1);
});

it('is not served on the public API port, and the listener serves nothing else', async () => {
  assert.equal((await fetch(`${t.baseUrl}/metrics`)).status, 404);
  assert.equal((await fetch(`${t.baseUrl}/api/v1/metrics`)).status, 404);
  assert.equal((await fetch(`http://127.0.0.1:${metrics.port}/`)).status, 404);
  assert.equal((await fetch(`http://127.0.0.1:${metrics.port}/metrics`, { method: 'POST' })).status, 404);
});

it('times jobs in the worker process, by job name and outcome', async () => {
  const registry = createRegistry('worker');
  registerPoolMetrics(registry, t.db);
  const runtime = startWorkers(t.config, t.db, t.deps.log, { relayIntervalMs: 50, jobMetrics: registerJobMetrics(registry) });
  const workerMetrics = await startMetricsServer(registry, { port: 0, host: '127.0.0.1' });
  try {
    const learner = await registerLearner(t.api);
    await t.db.transaction((trx) => enqueueJob(trx, 'recompute-learner-stats', { userId: learner.id }));
    const done = { job: 'recompute-learner-stats', outcome: 'completed', role: 'worker' };
    const text = await eventually(
      async () => {
        const body = await scrape(workerMetrics);
        return (sample(body, 'learnflow_job_duration_seconds_count', done) ?? 0) >= 1 ? body : undefined;
      },
      15_000,
      'a timed job',
    );
    assert.ok((sample(text, 'learnflow_jobs_total', done) ?? 0) >= 1);
    assert.ok(sample(text, 'learnflow_db_pool_used', { role: 'worker' }) !== undefined);
    // The relay drained the outbox, and the API's scrape sees it.
    await eventually(async () => sample(await scrape(), 'learnflow_outbox_backlog') === 0, 10_000, 'an empty outbox');
  } finally {
    await workerMetrics.close();
    await runtime.stop();
  }
});
