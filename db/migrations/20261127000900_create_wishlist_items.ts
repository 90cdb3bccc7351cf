import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE wishlist_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
      added_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT wishlist_items_user_id_course_id_unique UNIQUE (user_id, course_id)
    )`);
  await knex.raw('CREATE INDEX wishlist_items_course_id_index ON wishlist_items (course_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS wishlist_items');
}
