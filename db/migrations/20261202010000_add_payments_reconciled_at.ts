import type { Knex } from 'knex';

// The reconciliation job asks Stripe about the pending orders it checked least recently first, so a backlog of
// abandoned checkouts cannot starve a paid one.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE payments ADD COLUMN reconciled_at timestamptz');
  await knex.raw(`CREATE INDEX orders_pending_created_at_index ON orders (created_at) WHERE status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS orders_pending_created_at_index');
  await knex.raw('ALTER TABLE payments DROP COLUMN IF EXISTS reconciled_at');
}
