import type { Knex } from 'knex';
import type Stripe from 'stripe';
import { withTransaction } from '../db/transaction';
import type { Logger } from '../logger';
import { markReconciled, paymentsToReconcile } from '../repositories/payments';
import { retrieveIntentFromStripe, type SyncOutcome, syncOrderWithIntent } from './paymentSync';

/** Stripe retries a webhook for 3 days: an order older than that whose event was lost is beyond a retry too. */
const MAX_AGE_MS = 3 * 24 * 3600 * 1000;
const BATCH = 100;

export interface ReconcileReport {
  checked: number;
  outcomes: Partial<Record<SyncOutcome | 'error', number>>;
}

/**
 * Asks Stripe about orders still pending with a PaymentIntent older than `afterMs`: the ones whose payment went
 * through while the webhook was lost (or the API was down between Stripe taking the money and fulfilment) are
 * fulfilled, through the same compare-and-set as the webhook and confirm-payment, so a concurrent webhook or a
 * second run does nothing more; failed or cancelled intents fail their order. One order's error (Stripe down)
 * is logged and left for the next run.
 */
export async function reconcilePendingOrders(
  deps: { db: Knex; stripe: Stripe; log: Logger },
  opts: { afterMs: number; limit?: number },
): Promise<ReconcileReport> {
  const payments = await paymentsToReconcile(deps.db, { olderThanMs: opts.afterMs, maxAgeMs: MAX_AGE_MS, limit: opts.limit ?? BATCH });
  const report: ReconcileReport = { checked: payments.length, outcomes: {} };
  for (const payment of payments) {
    let outcome: SyncOutcome | 'error';
    try {
      const intent = await retrieveIntentFromStripe(deps, payment.stripe_payment_intent_id);
      outcome = intent ? await withTransaction(deps.db, (trx) => syncOrderWithIntent(trx, deps.log, intent)) : 'unknown';
      await markReconciled(deps.db, payment.id);
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, orderId: payment.order_id }, 'could not reconcile an order; the next run retries');
      outcome = 'error';
    }
    report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
  }
  return report;
}
