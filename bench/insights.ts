import { DEMO_INSTRUCTOR_EMAIL, DEMO_PASSWORD } from '../db/seeds/demo';
import type { createDb } from '../src/db/knex';
import { addDays } from '../src/services/streaks';
import type { BaselineRoute } from './baseline-server';
import type { BenchRequest } from './capture';
import type { ScenarioResult, Verdict } from './report';

/**
 * Issue 14's "reads stay fast at the 100,000-course demo scale": the demo instructor's sales insights over 90
 * days by week, and the engagement of their busiest course, measured like the catalog reads (captured SQL,
 * baseline shaped by bench/insightBodies.ts, bodies compared byte for byte).
 */
export interface InsightScenario {
  id: string;
  title: string;
  request: BenchRequest;
  shape: BaselineRoute['shape'];
  viewerId: string | null;
}

const SALES_DAYS = 90;
/** Issue 14's goal, read as a number: at 100,000 courses, on an idle machine. */
const P99_MS = 100;
const CPU_MS_OVER_BASELINE = 0.5;

export async function insightScenarios(
  probe: ReturnType<typeof createDb>,
  apiBase: string,
  wanted: (id: string) => boolean,
): Promise<InsightScenario[]> {
  const ids = ['insights-sales', 'insights-engagement'].filter(wanted);
  if (ids.length === 0) return [];
  const instructor = (await probe('users').where({ email: DEMO_INSTRUCTOR_EMAIL }).first('id')) as { id: string };
  // The window ends on the last day with sales, not today: the history is dated from the day the bench database
  // was seeded, and a database reused weeks later would otherwise measure an empty window.
  const last = (
    (await probe.raw(`SELECT to_char(max(day), 'YYYY-MM-DD') AS day FROM insight_sales_daily WHERE instructor_id = ?`, [
      instructor.id,
    ])) as {
      rows: Array<{ day: string | null }>;
    }
  ).rows[0]!.day;
  const to = last ?? new Date().toISOString().slice(0, 10);
  const from = addDays(to, -(SALES_DAYS - 1));
  // Busiest by lessons started, not by learners: the demo instructor's most-enrolled course is free, and the demo
  // seed records lesson progress only for sold courses, so its engagement would be all zeros.
  const busiest = (await probe({ e: 'insight_lesson_engagement' })
    .join({ c: 'courses' }, 'c.id', 'e.course_id')
    .where('c.instructor_id', instructor.id)
    .groupBy('e.course_id')
    .orderByRaw('sum(e.learners_started) DESC, e.course_id')
    .first('e.course_id', probe.raw('sum(e.learners_started)::int AS started'))) as { course_id: string; started: number } | undefined;
  const login = await fetch(`${apiBase}/api/v1/auth/login/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_INSTRUCTOR_EMAIL, password: DEMO_PASSWORD }),
  });
  const token = ((await login.json()) as { access_token: string }).access_token;
  const headers = { authorization: `Bearer ${token}` };
  const all: InsightScenario[] = [
    {
      id: 'insights-sales',
      title: `instructor sales insights, ${SALES_DAYS} days by week`,
      request: { method: 'GET', path: `/api/v1/instructor/insights/sales/?granularity=week&from=${from}&to=${to}`, headers },
      shape: 'salesInsights',
      viewerId: instructor.id,
    },
    {
      id: 'insights-engagement',
      title: `instructor course engagement, busiest course (${busiest?.started ?? 0} lesson starts)`,
      request: { method: 'GET', path: `/api/v1/instructor/courses/${busiest?.course_id}/insights/engagement/`, headers },
      shape: 'courseEngagement',
      viewerId: instructor.id,
    },
  ];
  return all.filter((s) => ids.includes(s.id));
}

/** Issue 14's targets for the insights reads; none for a scenario this run left out. */
export function insightVerdicts(results: ScenarioResult[], courses: number): Verdict[] {
  const out: Verdict[] = [];
  for (const r of results.filter((x) => x.id.startsWith('insights-'))) {
    const p99 = `p99 < ${P99_MS} ms (100k courses, idle machine)`;
    if (!r.learnflow) {
      out.push({ scenario: r.id, target: p99, value: r.problem ?? 'not measured', met: false });
      continue;
    }
    const scale = courses === 100_000 ? '' : ` at ${courses} courses`;
    out.push({ scenario: r.id, target: p99, value: `${r.learnflow.p99} ms${scale}`, met: r.learnflow.p99 < P99_MS });
    const cpu = `server CPU/req ≤ baseline + ${CPU_MS_OVER_BASELINE} ms`;
    if (!r.baseline) {
      out.push({ scenario: r.id, target: cpu, value: `not compared (${r.problem ?? 'LearnFlow alone'})`, met: false });
      continue;
    }
    const diff = r.learnflow.cpuMsPerReq - r.baseline.cpuMsPerReq;
    out.push({ scenario: r.id, target: cpu, value: `${diff >= 0 ? '+' : ''}${diff.toFixed(2)} ms`, met: diff <= CPU_MS_OVER_BASELINE });
  }
  return out;
}
