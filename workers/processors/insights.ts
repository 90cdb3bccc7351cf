import { rebuildInsights, recomputeCourseInsights, recomputeOrderInsights } from '../../src/services/insightAggregates';
import type { Processor } from '../processor';

/** The sales slices (course × day of sale and of refund) of one order, then each course's other insights. */
export const recomputeOrderInsightsProcessor: Processor<'recompute-order-insights'> = async (job, deps) => {
  const { orderId } = job.data;
  const result = await recomputeOrderInsights(deps.db, orderId);
  if (!result) return `Order ${orderId} was never paid (or is gone): no sales to recompute.`;
  return `Recomputed the sales of order ${orderId}: ${result.slices.map((s) => `${s.courseId} on ${s.day}`).join(', ')}.`;
};

/** A course's learning, learner, lesson engagement and review insights; bursts were collapsed by the relay. */
export const recomputeCourseInsightsProcessor: Processor<'recompute-course-insights'> = async (job, deps) => {
  const { courseId } = job.data;
  const rows = await recomputeCourseInsights(deps.db, courseId);
  return `Recomputed the insights of course ${courseId}: ${rows} aggregate rows.`;
};

export const rebuildInsightsProcessor: Processor<'rebuild-insights'> = async (_job, deps) => {
  const counts = await rebuildInsights(deps.db);
  return `Rebuilt every instructor insight: ${Object.entries(counts)
    .map(([table, n]) => `${n} rows in ${table}`)
    .join(', ')}.`;
};
