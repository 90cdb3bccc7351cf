import type { Knex } from 'knex';
import { withTransaction } from '../db/transaction';
import { activityDays, type ActivityDay } from '../repositories/learningActivity';
import {
  type LearnerSources,
  type LearnerStatsRow,
  findLearnerStats,
  learnerSources,
  resetStreaksInactiveSince,
  saveLearnerStats,
  streakHolders,
} from '../repositories/learnerStats';
import { localDate } from '../time/zones';
import { addDays, computeStreaks } from './streaks';

/** The learner's figures from their sources, as of `now` in their time zone. Pure, so a test can redo it. */
export function buildLearnerStats(userId: string, sources: LearnerSources, days: ActivityDay[], now: Date): LearnerStatsRow {
  const today = localDate(now, sources.timezone);
  const month = today.slice(0, 7);
  const streaks = computeStreaks(
    days.map((d) => d.local_date),
    today,
  );
  return {
    user_id: userId,
    courses_enrolled: sources.courses_enrolled,
    courses_completed: sources.courses_completed,
    total_seconds_learned: days.reduce((sum, d) => sum + d.seconds, 0),
    this_month_seconds: days.filter((d) => d.local_date.startsWith(month)).reduce((sum, d) => sum + d.seconds, 0),
    current_streak_days: streaks.current,
    longest_streak_days: streaks.longest,
    certificates_earned: sources.certificates_earned,
    average_rating_given: sources.average_rating_given,
    last_activity: sources.last_activity,
    computed_at: now,
  };
}

/**
 * Rebuilds learner_stats for one learner from the source tables, read in one snapshot. Runs from scratch, so
 * an extra or repeated run is harmless. Returns what was stored, or undefined for a user that no longer exists.
 */
export async function recomputeLearnerStats(db: Knex, userId: string, now: Date = new Date()): Promise<LearnerStatsRow | undefined> {
  return withTransaction(
    db,
    async (trx) => {
      const sources = await learnerSources(trx, userId);
      if (!sources) return undefined;
      const stats = buildLearnerStats(userId, sources, await activityDays(trx, userId), now);
      await saveLearnerStats(trx, stats);
      return stats;
    },
    { isolationLevel: 'repeatable read' },
  );
}

/**
 * The learner's current streak, computed from their activity days at read time. Both `GET /auth/me/` and
 * `GET /dashboard/stats/` answer with this one figure: the stored learner_stats value lags behind (until the
 * next recompute after learning, or the daily close after a missed day), so two readers of it disagreed.
 */
export async function currentStreakDays(db: Knex, userId: string, timezone: string, now: Date = new Date()): Promise<number> {
  const days = await activityDays(db, userId);
  return computeStreaks(
    days.map((d) => d.local_date),
    localDate(now, timezone),
  ).current;
}

export interface ProfileFigures {
  stats: LearnerStatsRow | undefined;
  streak: number;
}

/** The figures `GET /auth/me/` shows in the profile: the stored stats, and the streak as of now. */
export async function profileFigures(db: Knex, user: { id: string; timezone: string }): Promise<ProfileFigures> {
  const [stats, streak] = await Promise.all([findLearnerStats(db, user.id), currentStreakDays(db, user.id, user.timezone)]);
  return { stats, streak };
}

const CLOSE_BATCH = 1000;

/**
 * Resets the current streak of every learner whose last local learning day is before their yesterday.
 * "Yesterday" is per learner (their own time zone), and the update re-checks the activity, so a learner who
 * learns while the job runs keeps their streak.
 */
export async function closeBrokenStreaks(db: Knex, now: Date = new Date()): Promise<number> {
  let closed = 0;
  let after: string | null = null;
  for (;;) {
    const holders = await streakHolders(db, after, CLOSE_BATCH);
    if (holders.length === 0) return closed;
    const byYesterday = new Map<string, string[]>();
    for (const h of holders) {
      const yesterday = addDays(localDate(now, h.timezone), -1);
      byYesterday.set(yesterday, [...(byYesterday.get(yesterday) ?? []), h.user_id]);
    }
    for (const [yesterday, userIds] of byYesterday) closed += await resetStreaksInactiveSince(db, userIds, yesterday);
    after = (holders[holders.length - 1] as { user_id: string }).user_id;
  }
}
