import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/** One error event as the Sentry SDK sent it (the JSON payload of an envelope's `event` item). */
export interface CapturedEvent {
  event_id: string;
  tags?: Record<string, string>;
  exception?: { values?: { type?: string; value?: string }[] };
  request?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface SentryCapture {
  /** The DSN to give the SDK: its envelopes come here. */
  dsn: string;
  events: CapturedEvent[];
  /** Every byte received, decoded: what a leak test searches. */
  raw: string[];
  close: () => Promise<void>;
}

/**
 * A stand-in for Sentry's ingestion endpoint: accepts envelopes (newline-separated JSON: a header, then item
 * header and payload pairs, possibly gzipped) on /api/<project>/envelope/ and keeps their `event` items.
 */
export async function startSentryCapture(): Promise<SentryCapture> {
  const events: CapturedEvent[] = [];
  const raw: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      const text = body.toString('utf8');
      raw.push(text);
      const lines = text.split('\n');
      for (let i = 1; i + 1 < lines.length; i += 2) {
        const header = JSON.parse(lines[i] as string) as { type?: string };
        if (header.type === 'event') events.push(JSON.parse(lines[i + 1] as string) as CapturedEvent);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  // Port 0: the OS picks a free port, so parallel test files never collide.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    events,
    raw,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
