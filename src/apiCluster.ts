import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { metricsListen } from './metrics/listen';
import { type MetricsServer, startMetricsServer } from './metrics/server';
import { shutdownTimings } from './processModel';

/** How long a dead API process waits before it is replaced: a crash loop must not spin the CPU. */
const RESPAWN_DELAY_MS = 1000;

/**
 * The primary of `API_PROCESSES=n`: forks n API processes that share one port (node:cluster hands each accepted
 * connection to one of them, round robin), replaces any that dies, and serves the metrics of all of them on the
 * metrics port, aggregated (counters and histograms summed; see the aggregators in src/metrics/). It serves no
 * request itself. SIGTERM is passed to every API process, each drains (src/server.ts), then the primary exits.
 */
export function runApiPrimary(processes: number): void {
  // Validate the configuration once, before forking: production refuses to start without its secrets.
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let stopping = false;
  const fork = (): Worker => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ pid: worker.process.pid, code, signal }, 'API process exited; replacing it');
    setTimeout(() => {
      if (!stopping) fork();
    }, RESPAWN_DELAY_MS).unref();
  });
  for (let i = 0; i < processes; i++) fork();
  log.info({ processes, port: config.port, pid: process.pid }, 'LearnFlow API cluster primary');

  let metrics: MetricsServer | undefined;
  const listen = metricsListen('api');
  if (listen) {
    const aggregator = new AggregatorRegistry();
    const source = { contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() };
    startMetricsServer(source, listen, log).then(
      (server) => {
        metrics = server;
        log.info({ url: `http://${listen.host}:${server.port}/metrics` }, 'metrics listening (every API process, aggregated)');
      },
      (err: Error) => log.error({ err: err.message }, 'metrics listener could not start'),
    );
  }

  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    const { drainMs, timeoutMs } = shutdownTimings();
    // Past the drain and the in-flight timeout, a process that still has not exited is killed.
    const force = setTimeout(
      () => {
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      },
      drainMs + timeoutMs + 5000,
    );
    force.unref();
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM');
          }),
      ),
    )
      .then(() => metrics?.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
