import type { Knex } from 'knex';

// The Stripe event id is the primary key: inserting it is the claim that makes each event processed once.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE stripe_events (
      id text PRIMARY KEY,
      type text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      payload jsonb NOT NULL
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS stripe_events');
}
