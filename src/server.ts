import type { Server } from 'node:http';
import { createApp } from './app';
import { buildDeps, closeDeps } from './bootstrap';
import { loadConfig } from './config';

/** Entry of the API process: config, infrastructure, listen, graceful shutdown on SIGTERM/SIGINT. */
export async function startApi(): Promise<{ server: Server; stop: () => Promise<void> }> {
  const config = loadConfig();
  const deps = buildDeps(config);
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  deps.log.info({ url: config.publicBaseUrl }, 'LearnFlow API listening');
  const stop = async (): Promise<void> => {
    // Stop accepting connections, let in-flight requests finish, then release the pools.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await closeDeps(deps);
  };
  return { server, stop };
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
