import { closeBrokenStreaks } from '../../src/services/learnerStats';
import type { Processor } from '../processor';

/** Scheduled (see runtime.ts): resets the streaks of learners whose last local learning day is before yesterday. */
export const closeBrokenStreaksProcessor: Processor<'close-broken-streaks'> = async (_job, deps) => {
  const closed = await closeBrokenStreaks(deps.db);
  return `Closed ${closed} broken ${closed === 1 ? 'streak' : 'streaks'}.`;
};

/**
 * The daily close, scheduled hourly: learners' midnights fall on every hour somewhere, and each run closes the
 * streaks whose owner's own "yesterday" has passed, so a broken streak is closed within an hour of the learner's
 * midnight whatever their time zone. Extra runs are harmless (the update re-checks the activity).
 */
export const CLOSE_BROKEN_STREAKS_SCHEDULE = { id: 'close-broken-streaks', pattern: '5 * * * *' } as const;
