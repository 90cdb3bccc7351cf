import type { Knex } from 'knex';
import { withTransaction } from '../db/transaction';
import { enqueueJob } from '../jobs/outbox';
import {
  orderSalesSlices,
  rebuildAllInsights,
  recomputeCourseSlices,
  recomputeSalesSlice,
  type SalesSlice,
} from '../repositories/insightAggregates';

/**
 * Keeps the instructor insights (the insight_* tables) in step with the source tables. The incremental jobs
 * recompute only the slice an event touched; the full rebuild recomputes everything. Both run the same source
 * queries, so they agree, and both are idempotent: a rerun rewrites the same rows.
 */

/** In the transaction that pays or refunds an order: its sales slices, and its courses' learners and reviews. */
export async function enqueueOrderInsights(trx: Knex.Transaction, orderId: string, courseIds: string[]): Promise<void> {
  await enqueueJob(trx, 'recompute-order-insights', { orderId });
  for (const courseId of courseIds) await enqueueJob(trx, 'recompute-course-insights', { courseId });
}

/** After an order was paid or refunded: the sales of its courses on the day of the sale and of the refund. */
export async function recomputeOrderInsights(db: Knex, orderId: string): Promise<{ slices: SalesSlice[] } | undefined> {
  return withTransaction(db, async (trx) => {
    const slices = await orderSalesSlices(trx, orderId);
    if (slices.length === 0) return undefined;
    // One course after the other in a fixed order: two orders sharing courses lock them in the same order.
    slices.sort((a, b) => a.courseId.localeCompare(b.courseId) || a.day.localeCompare(b.day));
    for (const slice of slices) await recomputeSalesSlice(trx, slice);
    return { slices };
  });
}

/** After an enrollment, a refund, lesson progress or a review: the course's learning, engagement and reviews. */
export function recomputeCourseInsights(db: Knex, courseId: string): Promise<number> {
  return withTransaction(db, (trx) => recomputeCourseSlices(trx, courseId));
}

/** Every insight from scratch (the demo seed, a repair, the nightly safety net); one transaction. */
export function rebuildInsights(db: Knex): Promise<Record<string, number>> {
  return withTransaction(db, (trx) => rebuildAllInsights(trx));
}
