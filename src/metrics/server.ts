import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger';

/** What the listener serves: a process's Registry, or the cluster primary's aggregation (src/apiCluster.ts). */
export interface MetricsSource {
  contentType: string;
  metrics: () => Promise<string>;
}

export interface MetricsServer {
  port: number;
  close: () => Promise<void>;
}

/**
 * The metrics listener: its own port, apart from the public API (see ARCHITECTURE.md, "Metrics"). It answers
 * GET /metrics and nothing else; no middleware of the API (rate limits, CORS, auth) is involved.
 */
export async function startMetricsServer(
  registry: MetricsSource,
  opts: { port: number; host: string },
  log?: Logger,
): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).end(body),
      (err: Error) => {
        log?.error({ err }, 'metrics scrape failed');
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('scrape failed\n');
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
