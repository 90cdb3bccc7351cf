import { expireCouponHolds } from '../../src/services/couponHolds';
import { reconcilePendingOrders } from '../../src/services/reconciliation';
import type { Processor } from '../processor';

/** Fulfils the pending orders Stripe says are paid (their webhook lost), fails those Stripe says failed. */
export const reconcileOrdersProcessor: Processor<'orders.reconcile'> = async (_job, deps) => {
  const { checked, outcomes } = await reconcilePendingOrders(deps, { afterMs: deps.config.reconcile.afterMs });
  const said = Object.entries(outcomes)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
  // Abandoned checkouts give their coupon uses back after the hold (src/services/couponHolds.ts).
  const released = await expireCouponHolds(deps);
  return `Asked Stripe about ${checked} pending ${checked === 1 ? 'order' : 'orders'}${said ? `: ${said}` : ''}; ${released} expired coupon ${released === 1 ? 'hold' : 'holds'} released.`;
};
