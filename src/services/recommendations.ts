import type { Deps } from '../deps';
import type { components } from '../generated/api';
import { recommendationView } from '../presenters/dashboard';
import { type RecommendationRow, scoreRecommendations } from '../repositories/recommendations';

type Recommendation = components['schemas']['DashboardRecommendation'];

/** One sentence naming the strongest signal behind the suggestion. */
export function recommendationReason(row: RecommendationRow): string {
  const popular =
    row.student_count > 0
      ? `Popular on LearnFlow: ${row.student_count} ${row.student_count === 1 ? 'learner has' : 'learners have'} taken it.`
      : 'New on LearnFlow.';
  if (!row.has_seeds) return popular;
  const coEnrollment = 0.4 * row.co_strength;
  const affinity = 0.2 * row.category_share + 0.15 * row.level_fit;
  const instructor = row.instructor_seed_title ? 0.1 : 0;
  if (coEnrollment > 0 && coEnrollment >= affinity && coEnrollment >= instructor && row.co_seed_title) {
    return `Learners who took ${row.co_seed_title} also took this course.`;
  }
  if (affinity > 0 && affinity >= instructor) {
    if (row.next_step_after) return `You completed ${row.next_step_after}. This is a natural next step.`;
    if (row.category_name) return `Because you are learning ${row.category_name}.`;
  }
  if (row.instructor_seed_title) {
    return `More from ${row.instructor_first_name} ${row.instructor_last_name}, who teaches ${row.instructor_seed_title}.`;
  }
  return popular;
}

export async function recommendations(deps: Deps, userId: string, limit = 10): Promise<{ results: Recommendation[] }> {
  const rows = await scoreRecommendations(deps.db, userId, limit);
  const now = new Date();
  return { results: rows.map((row) => recommendationView(row, recommendationReason(row), now)) };
}
