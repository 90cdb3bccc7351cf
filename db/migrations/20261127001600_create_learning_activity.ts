import type { Knex } from 'knex';

// Seconds learned per learner-day, local_date being the day in the learner's own profile time zone
// (streaks and "this month" are computed from it).
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE learning_activity (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      local_date date NOT NULL,
      seconds integer NOT NULL DEFAULT 0 CONSTRAINT learning_activity_seconds_check CHECK (seconds >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT learning_activity_pkey PRIMARY KEY (user_id, local_date)
    )`);
  await knex.raw(
    'CREATE TRIGGER learning_activity_set_updated_at BEFORE UPDATE ON learning_activity FOR EACH ROW EXECUTE FUNCTION set_updated_at()',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS learning_activity');
}
