import type { Knex } from 'knex';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { components } from '../generated/api';
import { goalsView } from '../presenters/dashboard';
import { findLearnerStats, LearnerStatsRow } from '../repositories/learnerStats';
import { localDate } from '../time/zones';

type Goals = components['schemas']['DashboardLearningGoals'];

export interface LearnerProfile {
  timezone: string;
  target_hours_per_month: number | null;
}

export async function learnerProfile(db: Knex, userId: string): Promise<LearnerProfile> {
  const row = (await db('users').where({ id: userId }).first('timezone', 'target_hours_per_month')) as LearnerProfile | undefined;
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
  return goalsView({ targetHoursPerMonth: profile.target_hours_per_month, thisMonthSeconds: currentMonthSeconds(stats, profile.timezone, new Date()) });
}

/** Idempotent: sets or replaces the monthly goal (the contract bounds it to 1..744 hours). */
export async function updateGoals(deps: Deps, userId: string, targetHoursPerMonth: number): Promise<Goals> {
  await deps.db('users').where({ id: userId }).update({ target_hours_per_month: targetHoursPerMonth });
  return getGoals(deps, userId);
}
