import type { Knex } from 'knex';
import { type PooledConnection, runOn } from '../db/pooledQuery';

export interface CourseStatsRow {
  known: boolean;
  student_count: number | null;
  bestseller_changes: number;
}

interface PoolClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<void>;
}

// A named statement: each pooled connection parses and plans it once. Through knex.raw the same call cost about
// twice the worker's CPU and twice PostgreSQL's (parse, plan, knex's binding and events on every job), which is
// most of what a job adds to BullMQ's own work.
const RECOMPUTE = {
  name: 'recompute_course_stats',
  text: 'SELECT known, student_count, bestseller_changes FROM recompute_course_stats($1::uuid)',
};

/**
 * One call of recompute_course_stats (db/migrations/20261204040000_create_course_stats_triggers.ts): the course's
 * student_count, kept by triggers on enrollments, and the re-ranking of every category whose bestseller inputs
 * changed since it was last ranked (usually none, or the course's own). One statement, so one round trip and its
 * own transaction; the function takes the per-category locks and removes the markers it has seen.
 */
export async function recomputeStats(db: Knex, courseId: string): Promise<CourseStatsRow> {
  const pool = db.client as PoolClient;
  const connection = await pool.acquireConnection();
  try {
    const result = await runOn<CourseStatsRow>(connection, { ...RECOMPUTE, values: [courseId] });
    return result.rows[0]!;
  } finally {
    await pool.releaseConnection(connection);
  }
}
