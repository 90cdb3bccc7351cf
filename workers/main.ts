import { loadConfig } from '../src/config';
import { createDb } from '../src/db/knex';
import { flushErrorTracking, initErrorTracking } from '../src/errorTracking/sentry';
import { createLogger } from '../src/logger';
import { registerJobMetrics } from '../src/metrics/jobs';
import { metricsListen } from '../src/metrics/listen';
import { registerPoolMetrics } from '../src/metrics/pool';
import { createRegistry } from '../src/metrics/registry';
import { type MetricsServer, startMetricsServer } from '../src/metrics/server';
import { startWorkers } from './runtime';

/** Entry of the worker process: the outbox relay plus every job processor, stopped gracefully on SIGTERM. */
function main(): void {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  initErrorTracking(config, 'worker');
  const db = createDb(config.databaseUrl, { min: 0, max: 5 });
  const lockDurationMs = Number(process.env.WORKER_LOCK_DURATION_MS) || undefined;
  // The workers' own registry and port: job durations are measured where jobs run (see ARCHITECTURE.md, "Metrics").
  const registry = createRegistry('worker');
  registerPoolMetrics(registry, db);
  const jobMetrics = registerJobMetrics(registry);
  const runtime = startWorkers(config, db, log, { lockDurationMs, jobMetrics });
  let metrics: MetricsServer | undefined;
  const listen = metricsListen('worker');
  if (listen) {
    startMetricsServer(registry, listen, log).then(
      (server) => {
        metrics = server;
        log.info({ url: `http://${listen.host}:${server.port}/metrics` }, 'worker metrics listening');
      },
      (err: Error) => log.error({ err: err.message }, 'worker metrics listener could not start'),
    );
  }
  log.info('LearnFlow workers running');
  const shutdown = (): void => {
    runtime
      .stop()
      .then(() => metrics?.close())
      .then(() => db.destroy())
      .then(() => flushErrorTracking())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main();
