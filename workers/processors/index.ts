import type { ProcessorMap } from '../processor';
import { closeBrokenStreaksProcessor } from './close-broken-streaks';
import { reconcileOrdersProcessor } from './orders-reconcile';
import { recomputeCourseStatsProcessor } from './recompute-course-stats';
import { recomputeLearnerStatsProcessor } from './recompute-learner-stats';
import { renderCertificateProcessor } from './render-certificate';
import { renderReceiptProcessor } from './render-receipt';

/** One processor per job name; each lives in its own file beside this one. */
export const processors: ProcessorMap = {
  'render-receipt': renderReceiptProcessor,
  'render-certificate': renderCertificateProcessor,
  'recompute-learner-stats': recomputeLearnerStatsProcessor,
  'recompute-course-stats': recomputeCourseStatsProcessor,
  'close-broken-streaks': closeBrokenStreaksProcessor,
  'orders.reconcile': reconcileOrdersProcessor,
};
