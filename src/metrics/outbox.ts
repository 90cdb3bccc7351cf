import type { Knex } from 'knex';
import { Gauge, type Registry } from 'prom-client';
import { outboxBacklog } from '../repositories/outbox';
import { SCRAPE_PROBE_TIMEOUT_MS, withinMs } from './registry';

interface OutboxSnapshot {
  backlog: number;
  oldestSeconds: number;
}

/**
 * Jobs committed but not yet handed to BullMQ, and the age of the oldest: a growing age means the relay (in the
 * worker processes) is down or Redis is. One indexed query (outbox_unsent_index) per scrape.
 */
export function registerOutboxMetrics(registry: Registry, db: Knex): void {
  let current: Promise<OutboxSnapshot | undefined> | undefined;
  // Both gauges are collected in one scrape: share one query between them.
  const snapshot = (): Promise<OutboxSnapshot | undefined> => {
    current ??= withinMs(outboxBacklog(db), SCRAPE_PROBE_TIMEOUT_MS, 'outbox query')
      .catch(() => undefined)
      .finally(() => setImmediate(() => (current = undefined)));
    return current;
  };
  new Gauge({
    name: 'learnflow_outbox_backlog',
    // Every API process of a cluster probes the same shared state: aggregate as one value, not a sum.
    aggregator: 'max',
    help: 'Outbox rows not yet handed to the queue',
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (s) this.set(s.backlog);
      else this.reset();
    },
  });
  new Gauge({
    name: 'learnflow_outbox_oldest_age_seconds',
    // Every API process of a cluster probes the same shared state: aggregate as one value, not a sum.
    aggregator: 'max',
    help: 'Age of the oldest outbox row not yet handed to the queue (0 when none)',
    registers: [registry],
    async collect() {
      const s = await snapshot();
      if (s) this.set(s.oldestSeconds);
      else this.reset();
    },
  });
  new Gauge({
    name: 'learnflow_outbox_probe_up',
    // Every API process of a cluster probes the same shared state: aggregate as one value, not a sum.
    aggregator: 'min',
    help: '1 when the outbox query answered within the scrape timeout',
    registers: [registry],
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
}
