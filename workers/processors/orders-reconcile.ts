import type { Queue } from 'bullmq';
import { reconcilePendingOrders } from '../../src/services/reconciliation';
import type { Processor } from '../processor';

/** Fulfils the pending orders Stripe says are paid (their webhook lost), fails those Stripe says failed. */
export const reconcileOrdersProcessor: Processor<'orders.reconcile'> = async (_job, deps) => {
  const { checked, outcomes } = await reconcilePendingOrders(deps, { afterMs: deps.config.reconcile.afterMs });
  const said = Object.entries(outcomes).map(([outcome, n]) => `${n} ${outcome}`).join(', ');
  return `Asked Stripe about ${checked} pending ${checked === 1 ? 'order' : 'orders'}${said ? `: ${said}` : ''}.`;
};

export const RECONCILE_SCHEDULER_ID = 'orders.reconcile';

/**
 * Every worker process (re)declares the schedule at start; upserting is idempotent, and a changed interval
 * replaces the old one. An interval of 0 removes it.
 */
export async function scheduleReconciliation(queue: Queue, intervalMs: number): Promise<void> {
  if (intervalMs <= 0) {
    await queue.removeJobScheduler(RECONCILE_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(RECONCILE_SCHEDULER_ID, { every: intervalMs }, { name: 'orders.reconcile', data: {} });
}
