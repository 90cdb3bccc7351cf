import type { Knex } from 'knex';

// name is citext so ?category=development matches "Development".
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE categories (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name citext NOT NULL CONSTRAINT categories_name_unique UNIQUE,
      slug text NOT NULL CONSTRAINT categories_slug_unique UNIQUE,
      description text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS categories');
}
