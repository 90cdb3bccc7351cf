import type { Knex } from 'knex';
import { Gauge, type Registry } from 'prom-client';

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  max: number;
}

/** The knex (tarn) pool as seen at scrape time: connections in use, idle, and callers waiting for one. */
export function registerPoolMetrics(registry: Registry, db: Knex): void {
  const pool = (): TarnPool | undefined => (db.client as { pool?: TarnPool }).pool;
  const gauge = (name: string, help: string, read: (p: TarnPool) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const p = pool();
        this.set(p ? read(p) : 0);
      },
    });
  };
  gauge('learnflow_db_pool_used', 'Database connections checked out of the pool', (p) => p.numUsed());
  gauge('learnflow_db_pool_free', 'Idle database connections in the pool', (p) => p.numFree());
  gauge('learnflow_db_pool_waiting', 'Callers waiting for a database connection', (p) => p.numPendingAcquires());
  gauge('learnflow_db_pool_pending_creates', 'Database connections being opened', (p) => p.numPendingCreates());
  gauge('learnflow_db_pool_max', 'Most connections the pool may open', (p) => p.max);
}
