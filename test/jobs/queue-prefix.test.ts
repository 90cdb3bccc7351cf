import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, it } from 'node:test';
import type IORedis from 'ioredis';
import { loadConfig } from '../../src/config';
import { enqueueJob } from '../../src/jobs/outbox';
import { createRedis } from '../../src/redis';
import { QUEUE_NAME } from '../../workers/queue';
import { eventually, useTestServer } from '../support/harness';

// Its own connection: the API's fails fast (no offline queue), so a first command could beat the connect.
let redis: IORedis;
const t = useTestServer({ workers: true }, async (server) => {
  redis = createRedis(server.config.redisUrl);
});
after(async () => {
  await redis?.quit();
});

/** Redis Cluster's key slot: CRC16 (XMODEM) of the hash tag when the key has a non-empty one, mod 16384. */
function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

it('keeps every BullMQ key under the hash-tagged queue prefix, in one Redis Cluster slot', async () => {
  const prefix = t.config.queuePrefix;
  assert.match(prefix, /^\{[^}]+\}$/);
  const orderId = crypto.randomUUID();
  const jobId = await t.db.transaction((trx) => enqueueJob(trx, 'render-receipt', { orderId }));
  // The job ran: the worker (the Worker's keys) took what the relay (the Queue's keys) added.
  await eventually(async () => (await redis.hget(`${prefix}:${QUEUE_NAME}:${jobId}`, 'finishedOn')) !== null, 15_000, 'the job');

  const keys = await redis.keys(`${prefix}:*`);
  assert.ok(keys.length >= 3, `expected the queue's keys, found ${keys.join(', ')}`);
  for (const key of keys) assert.ok(key.startsWith(`${prefix}:${QUEUE_NAME}:`), key);
  assert.deepEqual(new Set(keys.map(keySlot)), new Set([keySlot(prefix)]));
  // Nothing of the queue is left under the API's own (untagged) prefix.
  assert.deepEqual(await redis.keys(`${t.config.redisPrefix}:${QUEUE_NAME}:*`), []);
});

it('defaults the queue prefix to {learnflow} and refuses one without a hash tag', () => {
  assert.equal(loadConfig({ NODE_ENV: 'test' }).queuePrefix, '{learnflow}');
  assert.equal(loadConfig({ NODE_ENV: 'test', QUEUE_PREFIX: 'a{b}' }).queuePrefix, 'a{b}');
  for (const bad of ['learnflow', '{}learnflow', 'learn}flow{']) {
    assert.throws(() => loadConfig({ NODE_ENV: 'test', QUEUE_PREFIX: bad }), /QUEUE_PREFIX must contain a Redis hash tag/);
  }
});
