import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import type { Queue } from 'bullmq';
import { createRedis } from '../src/redis';
import { createQueue } from '../workers/queue';
import { insertCourse } from '../test/support/factories/catalog';
import { purchase } from '../test/support/factories/commerce';
import { registerLearner } from '../test/support/users';
import { eventually, FAULTS_QUEUE_PREFIX, FaultSystem, storedDocuments } from './support/system';

/**
 * The worker process is killed with SIGKILL while it renders receipts. After a restart every receipt exists
 * exactly once, complete, and nothing half-written is left next to them: the lock of a killed job expires and
 * the job runs again, and rendering is idempotent (a rerun finds the stored file, or replaces a missing one).
 */
const ORDERS = 24;
const s = new FaultSystem();
let queue: Queue;

before(async () => {
  // No workers yet: the receipts pile up in the outbox, so that many renders are in flight when the kill lands.
  await s.start({ workers: false });
  const connection = createRedis(s.redis.url);
  queue = createQueue(connection, FAULTS_QUEUE_PREFIX);
});
after(async () => {
  await queue.close().catch(() => undefined);
  await s.close();
});

it('renders each receipt exactly once after kill -9 mid-render', async () => {
  const t = s.asTestServer;
  const course = await insertCourse(s.db, { priceCents: 1999 });
  const orderIds = await Promise.all(Array.from({ length: ORDERS }, async () => purchase(t, await registerLearner(s.api), [course.id])));
  assert.equal(storedDocuments(s, 'receipts').length, 0);

  s.startWorkers();
  // Kill as soon as the first receipt is stored: the others are being rendered (WORKER_CONCURRENCY at once) or waiting.
  await eventually(async () => storedDocuments(s, 'receipts').length >= 1, 60_000, 'the first receipt', 5);
  const active = await queue.getActiveCount();
  await s.killWorkers('SIGKILL');
  const storedAtKill = storedDocuments(s, 'receipts').length;
  console.log(`[worker-crash] killed with ${active} job(s) active and ${storedAtKill}/${ORDERS} receipts stored`);
  assert.ok(storedAtKill < ORDERS, 'the kill landed before every receipt was rendered');

  s.startWorkers();
  await eventually(async () => storedDocuments(s, 'receipts').length === ORDERS, 90_000, 'every receipt after the restart', 200);
  // Let the stalled jobs' reruns (if any are still queued) finish, then look again: still one file per order.
  await eventually(async () => (await queue.getActiveCount()) + (await queue.getWaitingCount()) === 0, 30_000, 'the queue to settle');
  const files = storedDocuments(s, 'receipts');
  assert.deepEqual(files, orderIds.map((id) => `${id}.pdf`).sort());
  for (const file of files) {
    const pdf = fs.readFileSync(path.join(s.storageDir, 'receipts', file));
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-', `${file} is a PDF`);
    assert.ok(pdf.subarray(-8).toString().includes('%%EOF'), `${file} is complete`);
  }
  const orders = await s.db('orders').whereIn('id', orderIds).select('id', 'receipt_path');
  for (const o of orders) assert.equal(o.receipt_path, `receipts/${o.id}.pdf`);
  assert.equal(await queue.getFailedCount(), 0, 'no job gave up');
});
