import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE lesson_progress (
      enrollment_id uuid NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
      lesson_id uuid NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
      watch_time_seconds integer NOT NULL DEFAULT 0
        CONSTRAINT lesson_progress_watch_time_seconds_check CHECK (watch_time_seconds >= 0),
      position_seconds integer NOT NULL DEFAULT 0
        CONSTRAINT lesson_progress_position_seconds_check CHECK (position_seconds >= 0),
      completed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT lesson_progress_pkey PRIMARY KEY (enrollment_id, lesson_id)
    )`);
  await knex.raw('CREATE INDEX lesson_progress_lesson_id_index ON lesson_progress (lesson_id)');
  await knex.raw(
    'CREATE TRIGGER lesson_progress_set_updated_at BEFORE UPDATE ON lesson_progress FOR EACH ROW EXECUTE FUNCTION set_updated_at()',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS lesson_progress');
}
