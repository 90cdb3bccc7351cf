import type { JobsOptions, Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { Logger } from '../src/logger';
import { lockUnsentOutboxRows, markOutboxRowsSent, type OutboxRow, recordOutboxHandoffFailure } from '../src/repositories/outbox';
import { jobDefinition } from './jobs';

/**
 * Jobs with a collapse key (workers/jobs.ts) rebuild from the source tables, so a burst for one learner or course
 * needs one run: after a short wait, every later row with the same key joins the waiting job. A row arriving
 * while the run is active is kept as one follow-up run (keepLastIfActive), so the last change is never missed.
 */
const COLLAPSE_DELAY_MS = 500;

function jobOptions(row: OutboxRow): JobsOptions {
  const key = jobDefinition(row.job_name)?.collapseKey?.((row.payload ?? {}) as Record<string, unknown>);
  if (typeof key !== 'string') return { jobId: row.id };
  return { jobId: row.id, delay: COLLAPSE_DELAY_MS, deduplication: { id: `${row.job_name}-${key}`, keepLastIfActive: true } };
}

/**
 * BullMQ waits for its connection to become ready before sending anything, so with Redis down an add never
 * settles. Give up after a while; if the add lands later anyway, the next pass re-adds the same job ids, which
 * BullMQ ignores.
 */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Moves committed outbox rows to BullMQ, oldest first, with the outbox id as the job id (so a row handed over
 * twice, after a crash between add and mark, is still one job). When Redis is down the rows stay unsent and the
 * next pass retries them: nothing is lost and nothing upstream fails.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly db: Knex,
    private readonly queue: Queue,
    private readonly log: Logger,
    private readonly batchSize = 100,
    private readonly handoffTimeoutMs = 3000,
  ) {}

  /** One pass; returns how many rows were handed to BullMQ. Concurrent calls share one pass. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    let sent = 0;
    for (;;) {
      const handed = await this.db.transaction(async (trx) => {
        const rows = await lockUnsentOutboxRows(trx, this.batchSize);
        if (rows.length === 0) return 0;
        try {
          await withTimeout(
            this.queue.addBulk(rows.map((r) => ({ name: r.job_name, data: r.payload, opts: jobOptions(r) }))),
            this.handoffTimeoutMs,
          );
        } catch (err) {
          await recordOutboxHandoffFailure(
            trx,
            rows.map((r) => r.id),
            String((err as Error).message),
          );
          this.log.warn({ err, count: rows.length }, 'outbox relay: queue unavailable, will retry');
          return -1;
        }
        await markOutboxRowsSent(
          trx,
          rows.map((r) => r.id),
        );
        return rows.length;
      });
      if (handed <= 0) return sent;
      sent += handed;
      if (handed < this.batchSize) return sent;
    }
  }

  start(intervalMs = 250): void {
    const tick = (): void => {
      this.runOnce()
        .catch((err) => this.log.error({ err }, 'outbox relay pass failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
