import type { Knex } from 'knex';

// course_id is denormalized for fast lookups; the composite foreign key (section_id, course_id) makes it
// impossible for it to disagree with the section's course.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE lessons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      section_id uuid NOT NULL,
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
      title text NOT NULL,
      description text,
      duration_minutes integer NOT NULL CONSTRAINT lessons_duration_minutes_check CHECK (duration_minutes > 0),
      position integer NOT NULL CONSTRAINT lessons_position_check CHECK (position >= 1),
      is_preview boolean NOT NULL DEFAULT false,
      video_url text,
      resources jsonb NOT NULL DEFAULT '[]' CONSTRAINT lessons_resources_check CHECK (jsonb_typeof(resources) = 'array'),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT lessons_section_id_course_id_foreign FOREIGN KEY (section_id, course_id)
        REFERENCES sections(id, course_id) ON DELETE CASCADE,
      CONSTRAINT lessons_section_id_position_unique UNIQUE (section_id, position) DEFERRABLE INITIALLY DEFERRED
    )`);
  await knex.raw('CREATE INDEX lessons_course_id_index ON lessons (course_id)');
  await knex.raw('CREATE TRIGGER lessons_set_updated_at BEFORE UPDATE ON lessons FOR EACH ROW EXECUTE FUNCTION set_updated_at()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS lessons');
}
