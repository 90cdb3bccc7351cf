import type { Deps } from '../deps';
import { AppError } from '../errors';
import { averageRating, NO_REVIEWS, NO_SALES, percent, ratingDistribution, salesFigures, sumFigures } from '../presenters/insights';
import {
  activeLearnersSince,
  courseInstructor,
  type Granularity,
  type InsightScope,
  learnerTotals,
  learningByPeriod,
  lessonEngagement,
  reviewsByPeriod,
  salesByCourse,
  salesByPeriod,
} from '../repositories/insightReads';
import type { Schemas } from '../schemas';
import { requireInstructor } from './authoring';
import { firstDayOfLast, insightWindow, periodStarts } from './insightWindow';

/** At most this many courses in the sales answer's per-course list (the best-selling ones). */
const SALES_COURSES_LIMIT = 100;

interface InsightQuery {
  granularity?: Granularity;
  from?: string;
  to?: string;
  course_id?: string;
}

/** Instructors only (403 otherwise); a course filter must name one of the caller's own courses (404 otherwise). */
async function ownCourseOrAll(deps: Deps, userId: string, courseId: string | undefined): Promise<void> {
  await requireInstructor(deps.db, userId);
  if (courseId !== undefined && (await courseInstructor(deps.db, courseId)) !== userId) throw new AppError('COURSE_NOT_FOUND');
}

async function scopeOf(deps: Deps, userId: string, q: InsightQuery) {
  const window = insightWindow(q);
  await ownCourseOrAll(deps, userId, q.course_id);
  const scope: InsightScope = { instructorId: userId, courseId: q.course_id, from: window.from, to: window.to };
  return { window, scope };
}

export async function salesInsights(deps: Deps, userId: string, q: InsightQuery): Promise<Schemas['SalesInsights']> {
  const { window, scope } = await scopeOf(deps, userId, q);
  const [byPeriod, byCourse] = await Promise.all([
    salesByPeriod(deps.db, scope, window.granularity),
    salesByCourse(deps.db, scope, SALES_COURSES_LIMIT),
  ]);
  return {
    window,
    currency: 'usd',
    totals: salesFigures(sumFigures(byPeriod.values(), NO_SALES)),
    // Object.assign, not `{ key, ...spread }`: on Node 20 that builds a new hidden class per item (see courseListItem
    // in src/presenters/courses.ts). Same keys in the same order.
    periods: periodStarts(window).map((start) => Object.assign({ period_start: start }, salesFigures(byPeriod.get(start) ?? NO_SALES))),
    courses: byCourse.map(({ course_id, title, ...figures }) => Object.assign({ course_id, title }, salesFigures(figures))),
  };
}

export async function learnerInsights(deps: Deps, userId: string, q: InsightQuery): Promise<Schemas['LearnerInsights']> {
  const { window, scope } = await scopeOf(deps, userId, q);
  const [byPeriod, totals, active7, active30] = await Promise.all([
    learningByPeriod(deps.db, scope, window.granularity),
    learnerTotals(deps.db, userId, q.course_id),
    activeLearnersSince(deps.db, userId, q.course_id, firstDayOfLast(7)),
    activeLearnersSince(deps.db, userId, q.course_id, firstDayOfLast(30)),
  ]);
  return {
    window,
    totals: {
      learners: totals.learners,
      completed_learners: totals.completed_learners,
      completion_rate_percent: percent(totals.completed_learners, totals.learners),
      average_progress_percent: totals.learners > 0 ? Math.round((totals.progress_percent_sum / totals.learners) * 10) / 10 : 0,
      active_last_7_days: active7,
      active_last_30_days: active30,
    },
    periods: periodStarts(window).map((start) =>
      Object.assign({ period_start: start }, byPeriod.get(start) ?? { enrollments: 0, completions: 0 }),
    ),
  };
}

export async function reviewInsights(deps: Deps, userId: string, q: InsightQuery): Promise<Schemas['ReviewInsights']> {
  const { window, scope } = await scopeOf(deps, userId, q);
  const byPeriod = await reviewsByPeriod(deps.db, scope, window.granularity);
  const totals = sumFigures(byPeriod.values(), NO_REVIEWS);
  return {
    window,
    totals: { reviews_count: totals.reviews_count, average_rating: averageRating(totals), distribution: ratingDistribution(totals) },
    periods: periodStarts(window).map((start) => {
      const f = byPeriod.get(start) ?? NO_REVIEWS;
      return { period_start: start, reviews_count: f.reviews_count, average_rating: averageRating(f) };
    }),
  };
}

export async function courseEngagement(deps: Deps, userId: string, courseId: string): Promise<Schemas['CourseEngagement']> {
  await ownCourseOrAll(deps, userId, courseId);
  const [lessons, totals] = await Promise.all([lessonEngagement(deps.db, courseId), learnerTotals(deps.db, userId, courseId)]);
  let dropOff: (typeof lessons)[number] | undefined;
  for (const lesson of lessons) if (lesson.learners_stopped > (dropOff?.learners_stopped ?? 0)) dropOff = lesson;
  return {
    course_id: courseId,
    learners: totals.learners,
    drop_off_lesson_id: dropOff?.lesson_id ?? null,
    lessons: lessons.map((l, i) => Object.assign(l, { position: i + 1 })),
  };
}
