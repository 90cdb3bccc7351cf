import { Queue } from 'bullmq';
import { Knex } from 'knex';
import { Logger } from '../logger';

interface OutboxRow { id: string; job_name: string; payload: unknown }

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
        // SKIP LOCKED lets several relays (API replicas, workers) share the outbox without double-handing.
        const rows: OutboxRow[] = await trx('outbox')
          .select('id', 'job_name', 'payload')
          .whereNull('sent_at')
          .orderBy('created_at')
          .limit(this.batchSize)
          .forUpdate()
          .skipLocked();
        if (rows.length === 0) return 0;
        try {
          await this.queue.addBulk(rows.map((r) => ({ name: r.job_name, data: r.payload, opts: { jobId: r.id } })));
        } catch (err) {
          await trx('outbox')
            .whereIn('id', rows.map((r) => r.id))
            .update({ attempts: trx.raw('attempts + 1'), last_error: String((err as Error).message).slice(0, 500) });
          this.log.warn({ err, count: rows.length }, 'outbox relay: queue unavailable, will retry');
          return -1;
        }
        await trx('outbox').whereIn('id', rows.map((r) => r.id)).update({ sent_at: trx.fn.now() });
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
