import type { Knex } from 'knex';

// The flagged bestsellers of a category: a stats recompute finds the few whose flag must drop without reading the
// category's other courses (about 10% of courses carry the flag, so the index stays small).
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX courses_bestseller_category_index ON courses (category_id) WHERE is_bestseller');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS courses_bestseller_category_index');
}
