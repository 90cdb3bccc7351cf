import type { Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import { SCRAPE_PROBE_TIMEOUT_MS, withinMs } from './registry';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children', 'failed', 'completed'] as const;

/**
 * Jobs per queue and state (BullMQ getJobCounts at scrape time). `state="failed"` is the failures kept in the
 * queue (removeOnFail: 7 days); the workers count failed attempts as they happen (learnflow_jobs_total).
 * A Redis that is down or stalled costs the scrape at most SCRAPE_PROBE_TIMEOUT_MS and reads as probe_up 0.
 * `queues` is called at scrape time: a process whose metrics are not served never loads BullMQ (src/metrics/api.ts).
 */
export function registerQueueMetrics(registry: Registry, queues: () => Queue[]): void {
  let current: Promise<Map<string, Record<string, number>> | undefined> | undefined;
  const snapshot = (): Promise<Map<string, Record<string, number>> | undefined> => {
    current ??= withinMs(
      Promise.all(queues().map(async (q) => [q.name, await q.getJobCounts(...STATES)] as const)),
      SCRAPE_PROBE_TIMEOUT_MS,
      'queue counts',
    )
      .then((pairs) => new Map(pairs))
      .catch(() => undefined)
      .finally(() => setImmediate(() => (current = undefined)));
    return current;
  };
  new Gauge({
    name: 'learnflow_queue_jobs',
    // Every API process of a cluster probes the same shared state: aggregate as one value, not a sum.
    aggregator: 'max',
    help: 'Jobs in each queue by state (waiting + delayed + prioritized is the depth)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await snapshot();
      for (const [queue, byState] of counts ?? []) {
        for (const state of STATES) this.set({ queue, state }, byState[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'learnflow_queue_probe_up',
    // Every API process of a cluster probes the same shared state: aggregate as one value, not a sum.
    aggregator: 'min',
    help: '1 when every queue answered getJobCounts within the scrape timeout',
    registers: [registry],
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
}
