import type { Knex } from 'knex';
import { type CourseStatsRow, recomputeStats } from '../repositories/courseStats';

/** A database call that has not started yet, and the courses it will serve. */
interface Run {
  courseIds: Set<string>;
  rows: Promise<Map<string, CourseStatsRow>>;
}

/**
 * The recompute-course-stats jobs a worker process runs at once share their database calls: one call at a time
 * per process (per knex instance), and a job that arrives while one runs joins the next, which starts when it
 * ends and serves every course that joined (at most the worker's concurrency). Each call ranks every marked
 * category once, so under a burst of enrolments a worker makes one round trip and one ranking pass for several
 * jobs instead of one each, and its jobs never wait on each other's category locks. When the worker is idle a job
 * starts its call at once.
 * Exact as one call per job: a job only ever joins a call that has not started, so the call's statements see every
 * change committed before the job was handed to the worker (the outbox hands a job over after its transaction
 * commits). A failed call fails every job it served, and BullMQ retries them (the jobs are idempotent).
 */
class CourseStatsRuns {
  private next: Run | undefined;
  private previous: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Knex) {}

  recompute(courseId: string): Promise<CourseStatsRow | undefined> {
    let run = this.next;
    if (!run) {
      const courseIds = new Set<string>();
      const rows = this.previous.then(async () => {
        // Started: from here on, arriving jobs wait for the call after this one.
        if (this.next === run) this.next = undefined;
        return new Map((await recomputeStats(this.db, [...courseIds])).map((r) => [r.course, r]));
      });
      run = { courseIds, rows };
      this.next = run;
      this.previous = rows.catch(() => undefined);
    }
    run.courseIds.add(courseId);
    return run.rows.then((rows) => rows.get(courseId));
  }
}

const runs = new WeakMap<Knex, CourseStatsRuns>();

/**
 * The course's student_count (exact at every commit: triggers on enrollments keep it) and the bestseller flags of
 * every category a change has touched since its last ranking (one course gaining students can push another out of
 * the top 10%). Idempotent: a rerun finds nothing left to rank and writes nothing. `bestsellerChanges` and
 * `coursesInRun` describe the shared call (CourseStatsRuns).
 */
export async function recomputeCourseStats(
  db: Knex,
  courseId: string,
): Promise<{ studentCount: number; bestsellerChanges: number; coursesInRun: number } | undefined> {
  let shared = runs.get(db);
  if (!shared) {
    shared = new CourseStatsRuns(db);
    runs.set(db, shared);
  }
  const row = await shared.recompute(courseId);
  if (!row?.known) return undefined;
  return { studentCount: row.student_count ?? 0, bestsellerChanges: row.bestseller_changes, coursesInRun: row.courses_in_run };
}
