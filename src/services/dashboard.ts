import type { Deps } from '../deps';
import type { Schemas } from '../schemas';
import { continueLearningItem, statsView } from '../presenters/dashboard';
import { type EnrollmentViewRow, listUnfinishedEnrollmentViews } from '../repositories/enrollments';
import { findLearnerStats } from '../repositories/learnerStats';
import { localDate } from '../time/zones';
import { currentMonthSeconds, learnerProfile } from './goals';
import { currentStreakDays } from './learnerStats';
import { addDays } from './streaks';

const DAY_MS = 86_400_000;
const PACE_WINDOW_DAYS = 30;
const CONTINUE_LEARNING_LIMIT = 10;

/**
 * The recomputed figures from learner_stats. Two of them depend on the calendar rather than on learning, so
 * they are taken at read time: the current streak is computed from the activity days (the same function
 * `GET /auth/me/` uses), and a month with no recomputation has no hours.
 */
export async function dashboardStats(deps: Deps, userId: string): Promise<Schemas['DashboardStats']> {
  const now = new Date();
  const [profile, stats] = await Promise.all([learnerProfile(deps.db, userId), findLearnerStats(deps.db, userId)]);
  const streak = await currentStreakDays(deps.db, userId, profile.timezone, now);
  return statsView({
    targetHoursPerMonth: profile.target_hours_per_month,
    thisMonthSeconds: currentMonthSeconds(stats, profile.timezone, now),
    coursesEnrolled: stats?.courses_enrolled ?? 0,
    coursesCompleted: stats?.courses_completed ?? 0,
    totalSeconds: stats?.total_seconds_learned ?? 0,
    currentStreakDays: streak,
    longestStreakDays: stats?.longest_streak_days ?? 0,
    averageRatingGiven: stats?.average_rating_given ?? null,
    certificatesEarned: stats?.certificates_earned ?? 0,
    lastActivity: stats?.last_activity ?? null,
  });
}

/**
 * The learner's local date at which the remaining lessons would be done at their pace in this course: minutes of
 * lessons completed over the last 30 days (or since enrolling, if later), per day. Null without any such pace.
 */
export function estimateCompletionDate(row: EnrollmentViewRow, now: Date, timezone: string): string | null {
  if (row.recent_minutes <= 0) return null;
  const windowStart = Math.max(row.enrolled_at.getTime(), now.getTime() - PACE_WINDOW_DAYS * DAY_MS);
  const windowDays = Math.max(1, (now.getTime() - windowStart) / DAY_MS);
  const minutesPerDay = row.recent_minutes / windowDays;
  return addDays(localDate(now, timezone), Math.ceil(row.remaining_minutes / minutesPerDay));
}

export async function continueLearning(deps: Deps, userId: string): Promise<Schemas['DashboardContinueLearning']> {
  const now = new Date();
  const [profile, rows] = await Promise.all([
    learnerProfile(deps.db, userId),
    listUnfinishedEnrollmentViews(deps.db, userId, new Date(now.getTime() - PACE_WINDOW_DAYS * DAY_MS), CONTINUE_LEARNING_LIMIT),
  ]);
  return { results: rows.map((row) => continueLearningItem(row, estimateCompletionDate(row, now, profile.timezone))) };
}
