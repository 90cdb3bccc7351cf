import type { Knex } from 'knex';

// A typo search (src/repositories/courseSearch.ts) finds its courses by equality on title or instructor name, one
// distinct phrase at a time. With the facet columns in these two indexes, both the page (id and score) and the
// facets (category, level, language, price) of such a search read only the index: at 100,000 courses a common typo
// matches about 1,700 courses on as many heap pages, which was most of the fallback's 15 ms of PostgreSQL.
// The title index keeps its key (title, id), so the `title` ordering reads it as before.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX courses_pub_title_cover_index ON courses (title, id)
    INCLUDE (category_id, level, language, price_cents) WHERE is_published`);
  await knex.raw('DROP INDEX courses_pub_title_index');
  await knex.raw(`CREATE INDEX courses_pub_instructor_name_cover_index ON courses (instructor_name, id)
    INCLUDE (category_id, level, language, price_cents) WHERE is_published`);
  await knex.raw('DROP INDEX courses_pub_instructor_name_index');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX courses_pub_instructor_name_index ON courses (instructor_name) WHERE is_published');
  await knex.raw('DROP INDEX courses_pub_instructor_name_cover_index');
  await knex.raw('CREATE INDEX courses_pub_title_index ON courses (title, id) WHERE is_published');
  await knex.raw('DROP INDEX courses_pub_title_cover_index');
}
