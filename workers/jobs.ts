import type { AnyJobDefinition, JobTable } from './processor';
import { closeBrokenStreaksProcessor } from './processors/close-broken-streaks';
import { rebuildInsightsProcessor, recomputeCourseInsightsProcessor, recomputeOrderInsightsProcessor } from './processors/insights';
import { reconcileOrdersProcessor } from './processors/orders-reconcile';
import { recomputeCourseStatsProcessor } from './processors/recompute-course-stats';
import { recomputeLearnerStatsProcessor } from './processors/recompute-learner-stats';
import { renderCertificateProcessor } from './processors/render-certificate';
import { renderReceiptProcessor } from './processors/render-receipt';

/**
 * The job table: for each job name (its payload type is in src/jobs/payloads.ts), its processor (one file each
 * in processors/), its collapse key and its schedule. Typed total, so a job added to the payloads without a row
 * here, or a row without a processor, fails `tsc`.
 */
export const JOBS: JobTable = {
  'render-receipt': { processor: renderReceiptProcessor },
  'render-certificate': { processor: renderCertificateProcessor },
  'recompute-learner-stats': { processor: recomputeLearnerStatsProcessor, collapseKey: (p) => p.userId },
  'recompute-course-stats': { processor: recomputeCourseStatsProcessor, collapseKey: (p) => p.courseId },
  'close-broken-streaks': {
    processor: closeBrokenStreaksProcessor,
    // The daily close, run hourly: learners' midnights fall on every hour somewhere, and each run closes the
    // streaks whose owner's own "yesterday" has passed, so a broken streak is closed within an hour of the
    // learner's midnight whatever their time zone. Extra runs are harmless (the update re-checks the activity).
    schedule: { id: 'close-broken-streaks', repeat: () => ({ pattern: '5 * * * *', tz: 'UTC' }) },
  },
  'orders.reconcile': {
    processor: reconcileOrdersProcessor,
    // A changed interval replaces the old one; an interval of 0 removes the schedule.
    schedule: {
      id: 'orders.reconcile',
      repeat: ({ reconcile }) => (reconcile.intervalMs > 0 ? { every: reconcile.intervalMs } : undefined),
    },
  },
  'recompute-order-insights': { processor: recomputeOrderInsightsProcessor, collapseKey: (p) => p.orderId },
  'recompute-course-insights': { processor: recomputeCourseInsightsProcessor, collapseKey: (p) => p.courseId },
  'rebuild-insights': {
    processor: rebuildInsightsProcessor,
    // The safety net under the incremental jobs (one lost to a Redis without AOF, a lesson deleted): a nightly
    // rebuild, off-peak in UTC.
    schedule: { id: 'rebuild-insights', repeat: () => ({ pattern: '17 3 * * *', tz: 'UTC' }) },
  },
};

/** The row of a job known only by its name as a string (a job read back from Redis or the outbox). */
export function jobDefinition(name: string): AnyJobDefinition | undefined {
  return Object.hasOwn(JOBS, name) ? (JOBS as unknown as Record<string, AnyJobDefinition>)[name] : undefined;
}
