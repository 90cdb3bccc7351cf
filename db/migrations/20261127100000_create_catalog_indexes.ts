import type { Knex } from 'knex';

// Indexes the catalog's queries need beyond the ones created with the tables:
// - `newest` sorts by last_updated and `title` by title, each with id as the stable tie-break;
// - the facet counts aggregate over every published course matching the filters: a narrow covering index lets
//   that run as an index-only scan instead of reading the wide rows (descriptions, search vectors);
// - reviews are listed by rating within a course.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX courses_pub_last_updated_index ON courses (last_updated DESC, id) WHERE is_published');
  await knex.raw('CREATE INDEX courses_pub_title_index ON courses (title, id) WHERE is_published');
  await knex.raw(`
    CREATE INDEX courses_pub_facets_index ON courses (category_id, level, language, price_cents)
    INCLUDE (rating_avg, rating_count, rating_1, rating_2, rating_3, rating_4, rating_5, instructor_id)
    WHERE is_published`);
  await knex.raw('CREATE INDEX reviews_course_rating_index ON reviews (course_id, rating, created_at DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS reviews_course_rating_index');
  await knex.raw('DROP INDEX IF EXISTS courses_pub_facets_index');
  await knex.raw('DROP INDEX IF EXISTS courses_pub_title_index');
  await knex.raw('DROP INDEX IF EXISTS courses_pub_last_updated_index');
}
