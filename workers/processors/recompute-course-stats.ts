import { recomputeCourseStats } from '../../src/services/courseStats';
import type { Processor } from '../processor';

/** Reports a course's student_count and re-ranks the bestsellers of every category a change has touched. */
export const recomputeCourseStatsProcessor: Processor<'recompute-course-stats'> = async (job, deps) => {
  const { courseId } = job.data;
  const result = await recomputeCourseStats(deps.db, courseId);
  if (!result) return `Course ${courseId} does not exist (any more): nothing to recompute.`;
  const { studentCount, bestsellerChanges, coursesInRun } = result;
  const shared = coursesInRun > 1 ? ` (one call for ${coursesInRun} courses)` : '';
  return `Recomputed course ${courseId}: ${studentCount} students; ${bestsellerChanges} bestseller flags changed${shared}.`;
};
