import type { Knex } from 'knex';

// citext: case-insensitive emails and category names; pg_trgm: typo-tolerant catalog search.
// gen_random_uuid() is built into PostgreSQL 13+, so pgcrypto is not needed.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS citext');
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP EXTENSION IF EXISTS pg_trgm');
  await knex.raw('DROP EXTENSION IF EXISTS citext');
}
