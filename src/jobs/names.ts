/** Every background job: its name and payload. A job is born as an outbox row (see outbox.ts). */
export interface JobPayloads {
  'render-receipt': { orderId: string };
  'render-certificate': { certificateId: string };
  'recompute-learner-stats': { userId: string };
  'recompute-course-stats': { courseId: string };
  'close-broken-streaks': Record<string, never>;
  'orders.reconcile': Record<string, never>;
}

export type JobName = keyof JobPayloads;

/** The one BullMQ queue every job goes through; processors are picked by job name. */
export const QUEUE_NAME = 'learnflow-jobs';
