import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, it } from 'node:test';
import { QueueEvents } from 'bullmq';
import { flushErrorTracking } from '../../src/errorTracking/sentry';
import { FILTERED, scrubEvent } from '../../src/errorTracking/scrub';
import { createRedis } from '../../src/redis';
import { createQueue, QUEUE_NAME } from '../../workers/queue';
import { eventually, startTestServer, type TestServer } from '../support/harness';
import { startSentryCapture, type SentryCapture } from '../support/sentryCapture';
import { registerLearner, type TestUser } from '../support/users';

let capture: SentryCapture;
let t: TestServer;
let jobLearner: TestUser;
before(async () => {
  capture = await startSentryCapture();
  t = await startTestServer({ workers: true, env: { SENTRY_DSN: capture.dsn } });
  // Registered before the tests below drop tables that registration needs.
  jobLearner = await registerLearner(t.api);
});
after(async () => {
  await t.close();
  await capture.close();
});

it('reports an unexpected request error once, tagged with the request id and operationId, without credentials', async () => {
  const user = await registerLearner(t.api);
  // The refresh-token table disappears under the API: changing a password now fails in a way no client caused.
  await t.db.raw('DROP TABLE refresh_tokens CASCADE');
  const requestId = `sentry-test-${crypto.randomUUID()}`;
  const newPassword = 'AnotherSecret456!';
  const res = await t.api.post(
    '/auth/change-password/',
    { current_password: user.password, new_password: newPassword },
    { token: user.access, headers: { 'x-request-id': requestId, cookie: 'session=cookie-value-123' }, unchecked: true },
  );
  assert.equal(res.status, 500);
  assert.equal(res.body.error.code, 'INTERNAL_ERROR');

  const event = await eventually(async () => capture.events.find((e) => e.tags?.request_id === requestId), 10_000, 'the request event');
  assert.equal(event.tags?.operation_id, 'changePassword');
  assert.equal(event.tags?.method, 'POST');
  assert.equal(event.tags?.role, 'api');
  assert.match(event.exception?.values?.[0]?.value ?? '', /refresh_tokens/);
  await flushErrorTracking();
  assert.equal(capture.events.filter((e) => e.tags?.request_id === requestId).length, 1, 'reported once');
  const sent = capture.raw.join('\n');
  for (const secret of [user.access, user.password, newPassword, 'cookie-value-123']) {
    assert.ok(!sent.includes(secret), `the report does not contain ${secret.slice(0, 12)}...`);
  }
  assert.ok(!/authorization/i.test(sent), 'no Authorization header');
});

it('reports a job once, when its last attempt fails, tagged with the job name and id', async () => {
  const user = jobLearner;
  await t.db.raw('DROP TABLE learner_stats CASCADE');
  const connection = createRedis(t.config.redisUrl);
  const queue = createQueue(connection, t.config.queuePrefix);
  const events = new QueueEvents(QUEUE_NAME, {
    connection: createRedis(t.config.redisUrl, { forWorker: true }),
    prefix: t.config.queuePrefix,
  });
  try {
    await events.waitUntilReady();
    // Two attempts with no delay: the first failure is retried (not reported), the second is final (reported).
    const job = await queue.add('recompute-learner-stats', { userId: user.id }, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    await job.waitUntilFinished(events).then(
      () => assert.fail('the job should fail'),
      (err: Error) => assert.match(err.message, /learner_stats/),
    );
    const event = await eventually(async () => capture.events.find((e) => e.tags?.job_id === job.id), 10_000, 'the job event');
    assert.equal(event.tags?.job_name, 'recompute-learner-stats');
    assert.equal(event.tags?.attempts, '2');
    assert.match(event.exception?.values?.[0]?.value ?? '', /learner_stats/);
    await flushErrorTracking();
    assert.equal(capture.events.filter((e) => e.tags?.job_id === job.id).length, 1, 'reported once, not once per attempt');
  } finally {
    await events.close();
    await queue.close();
    await connection.quit();
  }
});

it('scrubs card data, tokens and secrets wherever they appear in an event', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  const event = scrubEvent({
    request: {
      method: 'POST',
      url: 'http://api/api/v1/orders/?token=abc',
      headers: { authorization: `Bearer ${jwt}` },
      data: '{"card_number":"4242424242424242"}',
      cookies: { s: '1' },
    },
    exception: { values: [{ type: 'Error', value: `charge 4242 4242 4242 4242 failed for ${jwt} with sk_test_abc123 and whsec_xyz` }] },
    extra: { password: 'p', nested: { refresh_token: 'r', cvc: '123', note: 'Bearer abc.def' } },
    breadcrumbs: [{ message: 'card 5555-5555-5555-4444, order 1796218844325' }],
  });
  assert.deepEqual(event.request, { method: 'POST', url: 'http://api/api/v1/orders/' });
  const text = JSON.stringify(event);
  for (const leak of ['4242', jwt, 'sk_test_abc123', 'whsec_xyz', '"p"', '"r"', '"123"', 'abc.def', '5555'])
    assert.ok(!text.includes(leak), leak);
  assert.ok(text.includes(FILTERED));
  assert.ok(text.includes('order 1796218844325'), 'a number that is no card number (Luhn) is kept');
});
