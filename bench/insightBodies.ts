import { NO_SALES, salesFigures, sumFigures } from '../src/presenters/insights';
import type { Granularity, LessonEngagementRow, SalesFigures } from '../src/repositories/insightReads';
import { insightWindow, periodStarts } from '../src/services/insightWindow';
import { need, type Result, rowsWith } from './rows';

/**
 * The baseline's shaping of the instructor insights bodies (bench/insights.ts picks the requests): LearnFlow's
 * pure presenters (src/presenters/insights.ts) and window arithmetic (src/services/insightWindow.ts) over the
 * rows of the captured statements; what src/services/insights.ts assembles around them (the envelope, the
 * drop-off pick) is retyped in a few lines, and the bench's byte-for-byte body check proves it the same.
 */
export type InsightShape = 'salesInsights' | 'courseEngagement';

/** As the repository's numbers(): sums are bigint or numeric, a missing one is 0. */
const numbers = <T>(row: Record<string, unknown>): T => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v ?? 0)])) as T;

function salesBody(results: Result[], url: URL): unknown {
  const q = url.searchParams;
  const window = insightWindow({
    granularity: (q.get('granularity') ?? undefined) as Granularity | undefined,
    from: q.get('from') ?? undefined,
    to: q.get('to') ?? undefined,
  });
  const periods = need(rowsWith<{ period: string } & Record<string, unknown>>(results, ['period', 'sales_count']), 'sales by period');
  const byPeriod = new Map(periods.map(({ period, ...sums }) => [period, numbers<SalesFigures>(sums)]));
  const courses = need(rowsWith<{ course_id: string; title: string }>(results, ['course_id', 'title', 'sales_count']), 'sales by course');
  return {
    window,
    currency: 'usd',
    totals: salesFigures(sumFigures(byPeriod.values(), NO_SALES)),
    periods: periodStarts(window).map((start) => ({ period_start: start, ...salesFigures(byPeriod.get(start) ?? NO_SALES) })),
    courses: courses.map(({ course_id, title, ...figures }) => ({ course_id, title, ...salesFigures(numbers<SalesFigures>(figures)) })),
  };
}

function engagementBody(results: Result[], url: URL): unknown {
  const courseId = /\/instructor\/courses\/([^/]+)\/insights\/engagement\//.exec(url.pathname)?.[1] ?? '';
  const lessons = need(rowsWith<LessonEngagementRow>(results, ['lesson_id', 'learners_stopped']), 'lesson engagement');
  const totals = need(rowsWith<Record<string, unknown>>(results, ['learners', 'completed_learners']), 'learner totals')[0]!;
  let dropOff: LessonEngagementRow | undefined;
  for (const lesson of lessons) if (lesson.learners_stopped > (dropOff?.learners_stopped ?? 0)) dropOff = lesson;
  return {
    course_id: courseId,
    learners: Number(totals.learners ?? 0),
    drop_off_lesson_id: dropOff?.lesson_id ?? null,
    lessons: lessons.map((l, i) => ({ ...l, position: i + 1 })),
  };
}

export function insightBody(shape: InsightShape, results: Result[], url: URL): unknown {
  return shape === 'salesInsights' ? salesBody(results, url) : engagementBody(results, url);
}
