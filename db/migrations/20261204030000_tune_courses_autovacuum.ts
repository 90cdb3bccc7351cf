import type { Knex } from 'knex';

// A catalog page skips its first (page - 1) × page_size matches by walking a sort index (courses_pub_*_index):
// an index-only scan, which reads no heap row of a skipped course only where the visibility map marks its page
// all-visible. Every write of a course (a stats recompute, an edit) clears its page's bit until a vacuum sets it
// again, and by default autovacuum waits for 20% of the table to change: up to a fifth of the skipped entries
// would then cost a heap fetch each (the 100,000-course bench's page 1000 read 20,000 heap rows, 30 ms of
// PostgreSQL CPU, instead of 3 ms). Vacuuming the courses after 1% of them changed keeps the map nearly full;
// such a vacuum visits only the changed pages, and under 2% of pages with dead rows it skips the index passes.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE courses SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE courses RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor)');
}
