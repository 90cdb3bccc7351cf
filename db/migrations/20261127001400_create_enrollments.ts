import type { Knex } from 'knex';

// One enrollment per learner and course (a refund flips status, a re-purchase reactivates the same row).
// progress_percent / lessons_completed / total_lessons are a snapshot the app refreshes from lesson_progress.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE enrollments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE RESTRICT,
      order_id uuid REFERENCES orders(id) ON DELETE SET NULL,
      source text NOT NULL CONSTRAINT enrollments_source_check CHECK (source IN ('free', 'purchase', 'seed')),
      status text NOT NULL DEFAULT 'active'
        CONSTRAINT enrollments_status_check CHECK (status IN ('active', 'completed', 'refunded')),
      progress_percent smallint NOT NULL DEFAULT 0
        CONSTRAINT enrollments_progress_percent_check CHECK (progress_percent BETWEEN 0 AND 100),
      lessons_completed integer NOT NULL DEFAULT 0 CONSTRAINT enrollments_lessons_completed_check CHECK (lessons_completed >= 0),
      total_lessons integer NOT NULL DEFAULT 0 CONSTRAINT enrollments_total_lessons_check CHECK (total_lessons >= 0),
      enrolled_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      refunded_at timestamptz,
      last_accessed_at timestamptz,
      current_lesson_id uuid REFERENCES lessons(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT enrollments_user_id_course_id_unique UNIQUE (user_id, course_id)
    )`);
  await knex.raw('CREATE INDEX enrollments_user_status_index ON enrollments (user_id, status)');
  await knex.raw('CREATE INDEX enrollments_user_last_accessed_index ON enrollments (user_id, last_accessed_at DESC NULLS LAST)');
  await knex.raw('CREATE INDEX enrollments_course_id_index ON enrollments (course_id)');
  await knex.raw('CREATE INDEX enrollments_order_id_index ON enrollments (order_id) WHERE order_id IS NOT NULL');
  await knex.raw('CREATE INDEX enrollments_current_lesson_id_index ON enrollments (current_lesson_id) WHERE current_lesson_id IS NOT NULL');
  await knex.raw('CREATE TRIGGER enrollments_set_updated_at BEFORE UPDATE ON enrollments FOR EACH ROW EXECUTE FUNCTION set_updated_at()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS enrollments');
}
