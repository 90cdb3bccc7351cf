import type { Knex } from 'knex';

// Order lines keep the order in which the courses were put in the cart (receipts and the API list them so);
// created_at cannot tell apart lines inserted by one statement.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'ALTER TABLE order_items ADD COLUMN position smallint NOT NULL DEFAULT 1 CONSTRAINT order_items_position_check CHECK (position >= 1)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE order_items DROP COLUMN IF EXISTS position');
}
