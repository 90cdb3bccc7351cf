import { closeBrokenStreaks } from '../../src/services/learnerStats';
import type { Processor } from '../processor';

/**
 * Scheduled hourly (see its row in workers/jobs.ts): resets the streaks of learners whose last local learning day
 * is before yesterday.
 */
export const closeBrokenStreaksProcessor: Processor<'close-broken-streaks'> = async (_job, deps) => {
  const closed = await closeBrokenStreaks(deps.db);
  return `Closed ${closed} broken ${closed === 1 ? 'streak' : 'streaks'}.`;
};
