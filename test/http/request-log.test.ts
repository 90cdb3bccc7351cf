import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { it } from 'node:test';
import express from 'express';
import pino from 'pino';
import { requestLog } from '../../src/http/requestLog';

/**
 * The request logger (src/http/requestLog.ts): one line per request at `info` carrying the request id, and at
 * `warn` (production) no line and no per-request child logger unless the request logs through req.log.
 */
async function serve(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write: (chunk, _enc, done) => {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const log = pino({ level }, sink);
  let children = 0;
  const child = log.child.bind(log);
  log.child = ((...args: Parameters<typeof child>) => {
    children++;
    return child(...args);
  }) as typeof log.child;
  const app = express();
  app.use(requestLog(log));
  app.get('/ok', (_req, res) => void res.json({ ok: true }));
  app.get('/fail', (req, res) => {
    req.log.error({ reason: 'boom' }, 'request failed');
    res.status(500).json({});
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, lines, children: () => children, close: () => new Promise((r) => server.close(r)) };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

it('writes one line per request at info, with the request id, method, URL and status', async () => {
  const s = await serve('info');
  const res = await fetch(`${s.base}/ok?x=1`, { headers: { 'x-request-id': 'client-id-1' } });
  assert.equal(res.headers.get('x-request-id'), 'client-id-1');
  await settle();
  assert.equal(s.lines.length, 1);
  assert.deepEqual(s.lines[0]?.req, { id: 'client-id-1', method: 'GET', url: '/ok?x=1' });
  assert.deepEqual(s.lines[0]?.res, { statusCode: 200 });
  assert.equal(s.lines[0]?.msg, 'request completed');
  await s.close();
});

it('replaces an unsafe client request id with a UUID', async () => {
  const s = await serve('info');
  const res = await fetch(`${s.base}/ok`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
  assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  await s.close();
});

it('at warn writes nothing and builds no child logger for a quiet request, and binds the id when one logs', async () => {
  const s = await serve('warn');
  for (let i = 0; i < 5; i++) assert.equal((await fetch(`${s.base}/ok`)).status, 200);
  await settle();
  assert.equal(s.lines.length, 0);
  assert.equal(s.children(), 0);
  const failed = await fetch(`${s.base}/fail`);
  await settle();
  assert.equal(s.children(), 1);
  assert.equal(s.lines.length, 1);
  assert.deepEqual(s.lines[0]?.req, { id: failed.headers.get('x-request-id'), method: 'GET', url: '/fail' });
  assert.equal(s.lines[0]?.msg, 'request failed');
  await s.close();
});
