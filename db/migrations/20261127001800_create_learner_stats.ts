import type { Knex } from 'knex';

// A cache rebuilt by the recompute-learner-stats job from enrollments, learning_activity, certificates and
// reviews; computed_at says how fresh it is.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE learner_stats (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      courses_enrolled integer NOT NULL DEFAULT 0 CHECK (courses_enrolled >= 0),
      courses_completed integer NOT NULL DEFAULT 0 CHECK (courses_completed >= 0),
      total_seconds_learned bigint NOT NULL DEFAULT 0 CHECK (total_seconds_learned >= 0),
      this_month_seconds bigint NOT NULL DEFAULT 0 CHECK (this_month_seconds >= 0),
      current_streak_days integer NOT NULL DEFAULT 0 CHECK (current_streak_days >= 0),
      longest_streak_days integer NOT NULL DEFAULT 0 CHECK (longest_streak_days >= 0),
      certificates_earned integer NOT NULL DEFAULT 0 CHECK (certificates_earned >= 0),
      average_rating_given numeric(3,2) CHECK (average_rating_given BETWEEN 1 AND 5),
      last_activity timestamptz,
      computed_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS learner_stats');
}
