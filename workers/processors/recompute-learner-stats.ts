import { recomputeLearnerStats } from '../../src/services/learnerStats';
import type { Processor } from '../processor';

/** Rebuilds one learner's stats from the source tables; bursts were collapsed by the relay (see relay.ts). */
export const recomputeLearnerStatsProcessor: Processor<'recompute-learner-stats'> = async (job, deps) => {
  const { userId } = job.data;
  const stats = await recomputeLearnerStats(deps.db, userId);
  if (!stats) return `User ${userId} does not exist (any more): no stats to compute.`;
  return (
    `Recomputed the stats of learner ${userId}: ${stats.courses_enrolled} enrolled, ${stats.courses_completed} completed, ` +
    `${stats.total_seconds_learned} s learned, streak ${stats.current_streak_days} (longest ${stats.longest_streak_days}).`
  );
};
