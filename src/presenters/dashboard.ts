import type { Schemas } from '../schemas';
import { centsToAmount } from '../money';
import { type EnrollmentViewRow, progressPercent } from '../repositories/enrollments';
import type { RecommendationRow } from '../repositories/recommendations';
import { durationHours, shownRating } from './courses';
import { learnedHours } from './enrollments';

const NEW_COURSE_MS = 30 * 86_400_000;

export interface GoalFigures {
  targetHoursPerMonth: number | null;
  thisMonthSeconds: number;
}

/** The goal card: progress is the shown hours over the target, rounded down and capped at 100; null without a goal. */
export function goalsView(goal: GoalFigures): Schemas['DashboardLearningGoals'] {
  const thisMonthHours = learnedHours(goal.thisMonthSeconds);
  const target = goal.targetHoursPerMonth;
  // Tenths of an hour are integers, so the percentage is exact integer arithmetic on what the learner sees.
  const percent = target ? Math.min(100, Math.floor((Math.round(thisMonthHours * 10) * 10) / target)) : null;
  return { target_hours_per_month: target, this_month_hours: thisMonthHours, progress_percent: percent };
}

export interface StatsFigures extends GoalFigures {
  coursesEnrolled: number;
  coursesCompleted: number;
  totalSeconds: number;
  currentStreakDays: number;
  longestStreakDays: number;
  averageRatingGiven: number | null;
  certificatesEarned: number;
  lastActivity: Date | null;
}

export function statsView(s: StatsFigures): Schemas['DashboardStats'] {
  const goals = goalsView(s);
  return {
    courses_enrolled: s.coursesEnrolled,
    courses_completed: s.coursesCompleted,
    total_hours_learned: learnedHours(s.totalSeconds),
    current_streak_days: s.currentStreakDays,
    longest_streak_days: Math.max(s.longestStreakDays, s.currentStreakDays),
    average_rating_given: s.averageRatingGiven === null ? null : Math.round(s.averageRatingGiven * 10) / 10,
    certificates_earned: s.certificatesEarned,
    last_activity: s.lastActivity ? s.lastActivity.toISOString() : null,
    this_month_hours: goals.this_month_hours,
    goals: { target_hours_per_month: goals.target_hours_per_month, progress_percent: goals.progress_percent },
  };
}

export function continueLearningItem(
  row: EnrollmentViewRow,
  estimatedCompletionDate: string | null,
): Schemas['DashboardContinueLearningItem'] {
  const counts = { total: row.live_total_lessons, completed: row.live_lessons_completed };
  return {
    enrollment_id: row.id,
    course: {
      id: row.course_id,
      title: row.course_title,
      thumbnail: row.course_thumbnail,
      instructor: `${row.instructor_first_name} ${row.instructor_last_name}`.trim(),
    },
    progress_percent: progressPercent(counts),
    lessons_completed: counts.completed,
    total_lessons: counts.total,
    last_accessed: row.last_accessed_at ? row.last_accessed_at.toISOString() : null,
    time_spent_hours: learnedHours(row.watched_seconds),
    current_lesson: row.current_id
      ? {
          id: row.current_id,
          title: row.current_title as string,
          order: row.current_order as number,
          duration_minutes: row.current_duration_minutes as number,
        }
      : null,
    estimated_completion_date: estimatedCompletionDate,
  };
}

export function recommendationView(row: RecommendationRow, reason: string, now: Date): Schemas['DashboardRecommendation'] {
  const price = row.price_cents ?? 0;
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    instructor: { id: row.instructor_id, first_name: row.instructor_first_name, last_name: row.instructor_last_name },
    thumbnail: row.thumbnail,
    rating: shownRating(row),
    rating_count: row.rating_count,
    student_count: row.student_count,
    duration_hours: durationHours(row.duration_minutes),
    level: row.level,
    price: centsToAmount(price),
    original_price: row.original_price_cents !== null && row.original_price_cents > price ? centsToAmount(row.original_price_cents) : null,
    is_new: row.published_at !== null && now.getTime() - row.published_at.getTime() < NEW_COURSE_MS,
    recommendation_reason: reason,
    relevance_score: Math.min(1, Math.max(0, Math.round(row.score * 100) / 100)),
  };
}
