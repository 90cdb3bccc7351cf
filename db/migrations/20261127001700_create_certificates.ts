import type { Knex } from 'knex';

// Names and title are copied at issue time: a certificate states what was true when it was earned.
// pdf_path stays null until the render-certificate job has written the file.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE certificates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      enrollment_id uuid NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE
        CONSTRAINT certificates_enrollment_id_unique UNIQUE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE RESTRICT,
      verification_code text NOT NULL CONSTRAINT certificates_verification_code_unique UNIQUE,
      learner_name text NOT NULL,
      course_title text NOT NULL,
      instructor_name text NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now(),
      pdf_path text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE INDEX certificates_user_id_index ON certificates (user_id)');
  await knex.raw('CREATE INDEX certificates_course_id_index ON certificates (course_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS certificates');
}
