import type { Knex } from 'knex';
import type { Db } from '../db/knex';

export interface ActivityDay {
  local_date: string;
  seconds: number;
}

/**
 * Locks the learner's row (FOR NO KEY UPDATE: inserts referencing the user are not blocked) so that their
 * progress reports are applied one at a time, and returns the profile time zone their days are counted in.
 */
export async function lockLearner(trx: Knex.Transaction, userId: string): Promise<{ timezone: string }> {
  const row = (await trx('users').where({ id: userId }).forNoKeyUpdate().first('timezone')) as { timezone: string } | undefined;
  return { timezone: row?.timezone ?? 'UTC' };
}

/** When the learner last completed or progressed any lesson (the previous report), or null. */
export async function lastLearningAt(db: Db, userId: string): Promise<Date | null> {
  const row = (await db('enrollments').where({ user_id: userId }).max({ at: 'last_accessed_at' }).first()) as
    | { at: Date | null }
    | undefined;
  return row?.at ?? null;
}

/** Adds seconds to the learner's local day; a row with 0 seconds still marks the day as active (streaks). */
export async function recordActivity(trx: Knex.Transaction, userId: string, localDate: string, seconds: number, at: Date): Promise<void> {
  await trx('learning_activity')
    .insert({ user_id: userId, local_date: localDate, seconds, created_at: at, updated_at: at })
    .onConflict(['user_id', 'local_date'])
    .merge({ seconds: trx.raw('learning_activity.seconds + excluded.seconds'), updated_at: at });
}

export async function activityDays(db: Db, userId: string): Promise<ActivityDay[]> {
  return (await db('learning_activity')
    .where({ user_id: userId })
    .orderBy('local_date')
    .select(db.raw("to_char(local_date, 'YYYY-MM-DD') AS local_date"), 'seconds')) as ActivityDay[];
}
