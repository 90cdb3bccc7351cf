import type { Knex } from 'knex';
import { type PooledConnection, runOn } from '../db/pooledQuery';

export interface CourseStatsRow {
  course: string;
  known: boolean;
  student_count: number | null;
  bestseller_changes: number;
  /** How many courses the call served (its bestseller_changes are the whole call's). */
  courses_in_run: number;
}

interface PoolClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<void>;
}

// A named statement: each pooled connection parses and plans it once. Through knex.raw the same call cost about
// twice the worker's CPU and twice PostgreSQL's (parse, plan, knex's binding and events on every job), which is
// most of what a job adds to BullMQ's own work.
const RECOMPUTE = {
  name: 'recompute_courses_stats',
  text: 'SELECT course, known, student_count, bestseller_changes, courses_in_run FROM recompute_courses_stats($1::uuid[])',
};

/**
 * One call of recompute_courses_stats (db/migrations/20261206020000_create_recompute_courses_stats.ts): the ranking
 * of every category whose bestseller inputs changed since it was last ranked (usually none), then each course's
 * student_count, kept by triggers on enrollments. One statement, so one round trip and its own transaction; the
 * function takes the per-category locks and removes the markers it has seen. A row per course, unknown ones too.
 */
export async function recomputeStats(db: Knex, courseIds: string[]): Promise<CourseStatsRow[]> {
  const pool = db.client as PoolClient;
  const connection = await pool.acquireConnection();
  try {
    const result = await runOn<CourseStatsRow>(connection, { name: RECOMPUTE.name, text: RECOMPUTE.text, values: [courseIds] });
    return result.rows;
  } finally {
    await pool.releaseConnection(connection);
  }
}
