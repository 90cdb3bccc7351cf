import type { Server } from 'node:http';
import { createApp } from './app';
import { buildDeps, closeDeps } from './bootstrap';
import { loadConfig } from './config';
import { metricsListen } from './metrics/listen';
import { MetricsServer, startMetricsServer } from './metrics/server';

/** Entry of the API process: config, infrastructure, listen, graceful shutdown on SIGTERM/SIGINT. */
export async function startApi(): Promise<{ server: Server; stop: () => Promise<void> }> {
  const config = loadConfig();
  const deps = buildDeps(config);
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  deps.log.info({ url: config.publicBaseUrl }, 'LearnFlow API listening');
  const metrics = await startProcessMetrics(deps);
  const stop = async (): Promise<void> => {
    // Stop accepting connections, let in-flight requests finish, then release the pools.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await metrics?.close();
    await closeDeps(deps);
  };
  return { server, stop };
}

/**
 * The metrics listener on its own port. A port already taken is logged and the API serves on without it:
 * losing metrics is not worth refusing traffic.
 */
async function startProcessMetrics(deps: ReturnType<typeof buildDeps>): Promise<MetricsServer | undefined> {
  const listen = metricsListen('api');
  if (!listen) return undefined;
  try {
    const metrics = await startMetricsServer(deps.metrics.registry, listen, deps.log);
    deps.log.info({ url: `http://${listen.host}:${metrics.port}/metrics` }, 'metrics listening');
    return metrics;
  } catch (err) {
    deps.log.error({ err: (err as Error).message }, 'metrics listener could not start');
    return undefined;
  }
}

if (require.main === module) {
  startApi()
    .then(({ stop }) => {
      const shutdown = (): void => {
        stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
