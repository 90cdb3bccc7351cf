import cluster from 'node:cluster';
import type { Server } from 'node:http';
import v8 from 'node:v8';
import { AggregatorRegistry } from 'prom-client';
import { runApiPrimary } from './apiCluster';
import { createApp } from './app';
import { buildDeps, closeDeps } from './bootstrap';
import { loadConfig } from './config';
import { metricsListen } from './metrics/listen';
import { type MetricsServer, startMetricsServer } from './metrics/server';
import { apiProcesses, heapGrowingPercent, shutdownTimings } from './processModel';

/** Entry of the API process: config, infrastructure, listen, graceful shutdown on SIGTERM/SIGINT. */
export async function startApi(): Promise<{ server: Server; stop: () => Promise<void> }> {
  const config = loadConfig();
  const deps = buildDeps(config);
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  // Longer than a load balancer's idle timeout (60 s on the common ones) and than clients' reuse window: with
  // Node's 5 s default the server may close a kept-alive socket just as a client reuses it ("other side closed").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  deps.log.info({ url: config.publicBaseUrl, pid: process.pid }, 'LearnFlow API listening');
  const metrics = await startProcessMetrics(deps);
  const { drainMs, timeoutMs } = shutdownTimings();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // 1. Readiness answers 503 and responses say `Connection: close`, while this process still serves: the load
      //    balancer takes it out of rotation before anything is refused.
      deps.lifecycle.draining = true;
      deps.log.info({ drainMs }, 'SIGTERM: draining');
      if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
      // 2. Stop accepting connections; idle kept-alive ones close now, busy ones after their response.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // 3. A request still running after the timeout is cut: the process must end for the orchestrator.
      const cut = setTimeout(() => server.closeAllConnections(), timeoutMs);
      await closed;
      clearTimeout(cut);
      await metrics?.close();
      await closeDeps(deps);
    })());
  return { server, stop };
}

/**
 * The metrics listener on its own port. A port already taken is logged and the API serves on without it:
 * losing metrics is not worth refusing traffic. In a cluster the primary owns the port and asks each API process
 * for its series over IPC (prom-client's AggregatorRegistry, src/apiCluster.ts).
 */
async function startProcessMetrics(deps: ReturnType<typeof buildDeps>): Promise<MetricsServer | undefined> {
  if (cluster.isWorker) {
    deps.metrics.loadQueueProbe();
    AggregatorRegistry.setRegistries([deps.metrics.registry]);
    new AggregatorRegistry(); // installs the worker's answer to the primary's metrics requests
    return undefined;
  }
  const listen = metricsListen('api');
  if (!listen) return undefined;
  deps.metrics.loadQueueProbe();
  try {
    const metrics = await startMetricsServer(deps.metrics.registry, listen, deps.log);
    deps.log.info({ url: `http://${listen.host}:${metrics.port}/metrics` }, 'metrics listening');
    return metrics;
  } catch (err) {
    deps.log.error({ err: (err as Error).message }, 'metrics listener could not start');
    return undefined;
  }
}

/**
 * V8 reads --heap-growing-percent each time it sets the next GC limit, so setting it here, in the process that
 * `node dist/src/server.js` starts, is what production gets: no launcher, no NODE_OPTIONS to forget.
 */
function tuneHeap(): void {
  const percent = heapGrowingPercent();
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

function runApiProcess(): void {
  tuneHeap();
  startApi()
    .then(({ stop }) => {
      // `on`, not `once`: a second signal (an impatient orchestrator, Ctrl+C reaching a cluster) must not kill the
      // process mid-drain; stop() is the same promise every time.
      const shutdown = (): void => {
        stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}

if (require.main === module) {
  const processes = apiProcesses();
  if (cluster.isPrimary && processes > 1) runApiPrimary(processes);
  else runApiProcess();
}
