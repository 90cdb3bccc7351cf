import type { Db } from '../db/knex';

export interface LearnerStatsRow {
  user_id: string;
  courses_enrolled: number;
  courses_completed: number;
  total_seconds_learned: number;
  this_month_seconds: number;
  current_streak_days: number;
  longest_streak_days: number;
  certificates_earned: number;
  average_rating_given: number | null;
  last_activity: Date | null;
  computed_at: Date;
}

/** The source figures of one learner, from enrollments, certificates and reviews. */
export interface LearnerSources {
  timezone: string;
  courses_enrolled: number;
  courses_completed: number;
  last_activity: Date | null;
  certificates_earned: number;
  average_rating_given: number | null;
}

export async function learnerSources(db: Db, userId: string): Promise<LearnerSources | undefined> {
  const row = (await db('users as u')
    .where('u.id', userId)
    .first(
      'u.timezone',
      db.raw(
        `(SELECT count(*) FILTER (WHERE status IN ('active', 'completed')) FROM enrollments WHERE user_id = u.id)::int AS courses_enrolled`,
      ),
      db.raw(`(SELECT count(*) FILTER (WHERE status = 'completed') FROM enrollments WHERE user_id = u.id)::int AS courses_completed`),
      db.raw('(SELECT max(last_accessed_at) FROM enrollments WHERE user_id = u.id) AS last_activity'),
      db.raw('(SELECT count(*) FROM certificates WHERE user_id = u.id)::int AS certificates_earned'),
      db.raw('(SELECT round(avg(rating), 2) FROM reviews WHERE user_id = u.id) AS average_rating_given'),
    )) as LearnerSources | undefined;
  return row;
}

export function findLearnerStats(db: Db, userId: string): Promise<LearnerStatsRow | undefined> {
  return db<LearnerStatsRow>('learner_stats').where({ user_id: userId }).first();
}

/** Writes a recomputation unless a newer one is already stored (runs may finish out of order). */
export async function saveLearnerStats(db: Db, stats: LearnerStatsRow): Promise<void> {
  await db('learner_stats').insert(stats).onConflict('user_id').merge().where('learner_stats.computed_at', '<=', stats.computed_at);
}

/** Learners with a streak on record, in pages by user id (the daily close walks all of them). */
export function streakHolders(db: Db, afterUserId: string | null, limit: number): Promise<{ user_id: string; timezone: string }[]> {
  const q = db('learner_stats as ls')
    .join('users as u', 'u.id', 'ls.user_id')
    .where('ls.current_streak_days', '>', 0)
    .orderBy('ls.user_id')
    .limit(limit)
    .select('ls.user_id', 'u.timezone');
  if (afterUserId) q.where('ls.user_id', '>', afterUserId);
  return q;
}

/** Resets the streaks of these learners unless they were active on `yesterday` or later (checked in the update). */
export async function resetStreaksInactiveSince(db: Db, userIds: string[], yesterday: string): Promise<number> {
  if (userIds.length === 0) return 0;
  return db('learner_stats')
    .whereIn('user_id', userIds)
    .where('current_streak_days', '>', 0)
    .whereNotExists((q) =>
      q
        .select(db.raw('1'))
        .from('learning_activity as la')
        .whereRaw('la.user_id = learner_stats.user_id')
        .where('la.local_date', '>=', yesterday),
    )
    .update({ current_streak_days: 0 });
}
