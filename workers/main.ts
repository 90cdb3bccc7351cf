import { loadConfig } from '../src/config';
import { createDb } from '../src/db/knex';
import { createLogger } from '../src/logger';
import { startWorkers } from './runtime';

/** Entry of the worker process: the outbox relay plus every job processor, stopped gracefully on SIGTERM. */
function main(): void {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const db = createDb(config.databaseUrl, { min: 0, max: 5 });
  const lockDurationMs = Number(process.env.WORKER_LOCK_DURATION_MS) || undefined;
  const runtime = startWorkers(config, db, log, { lockDurationMs });
  log.info('LearnFlow workers running');
  const shutdown = (): void => {
    runtime
      .stop()
      .then(() => db.destroy())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main();
