/**
 * Every background job's name and payload: the one thing the API (which writes jobs as outbox rows, see
 * outbox.ts) and the worker share. The rest of each job (collapse key, schedule, processor) is its row in
 * workers/jobs.ts, whose type makes a job without a row there fail `tsc`.
 */
export interface JobPayloads {
  'render-receipt': { orderId: string };
  'render-certificate': { certificateId: string };
  'recompute-learner-stats': { userId: string };
  'recompute-course-stats': { courseId: string };
  'close-broken-streaks': Record<string, never>;
  'orders.reconcile': Record<string, never>;
  'recompute-order-insights': { orderId: string };
  'recompute-course-insights': { courseId: string };
  'rebuild-insights': Record<string, never>;
}

export type JobName = keyof JobPayloads;
