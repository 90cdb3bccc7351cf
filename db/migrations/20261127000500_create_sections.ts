import type { Knex } from 'knex';

// (course_id, position) is unique but DEFERRABLE INITIALLY DEFERRED: a reorder can swap positions inside one
// transaction and is checked at commit. (id, course_id) is unique so lessons can reference both.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE sections (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
      title text NOT NULL,
      description text,
      position integer NOT NULL CONSTRAINT sections_position_check CHECK (position >= 1),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT sections_course_id_position_unique UNIQUE (course_id, position) DEFERRABLE INITIALLY DEFERRED,
      CONSTRAINT sections_id_course_id_unique UNIQUE (id, course_id)
    )`);
  await knex.raw('CREATE TRIGGER sections_set_updated_at BEFORE UPDATE ON sections FOR EACH ROW EXECUTE FUNCTION set_updated_at()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS sections');
}
