import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { components } from '../generated/api';
import { goalsView } from '../presenters/dashboard';
import type { Db } from '../db/knex';
import { findLearnerStats, type LearnerStatsRow } from '../repositories/learnerStats';
import { findLearnerProfile, type LearnerProfile, setTargetHours } from '../repositories/users';
import { localDate } from '../time/zones';

type Goals = components['schemas']['DashboardLearningGoals'];

export async function learnerProfile(db: Db, userId: string): Promise<LearnerProfile> {
  const row = await findLearnerProfile(db, userId);
  // A valid token for a user that no longer exists is as good as no token (as in the auth service).
  if (!row) throw new AppError('TOKEN_INVALID');
  return row;
}

/**
 * This month's seconds from the recomputed stats. Stats computed in an earlier local month say nothing about
 * this one: no learning has happened since (it would have triggered a recomputation), so it is 0.
 */
export function currentMonthSeconds(stats: LearnerStatsRow | undefined, timezone: string, now: Date): number {
  if (!stats) return 0;
  return localDate(stats.computed_at, timezone).slice(0, 7) === localDate(now, timezone).slice(0, 7) ? stats.this_month_seconds : 0;
}

export async function getGoals(deps: Deps, userId: string): Promise<Goals> {
  const [profile, stats] = await Promise.all([learnerProfile(deps.db, userId), findLearnerStats(deps.db, userId)]);
  return goalsView({
    targetHoursPerMonth: profile.target_hours_per_month,
    thisMonthSeconds: currentMonthSeconds(stats, profile.timezone, new Date()),
  });
}

/** Idempotent: sets or replaces the monthly goal (the contract bounds it to 1..744 hours). */
export async function updateGoals(deps: Deps, userId: string, targetHoursPerMonth: number): Promise<Goals> {
  await setTargetHours(deps.db, userId, targetHoursPerMonth);
  return getGoals(deps, userId);
}
