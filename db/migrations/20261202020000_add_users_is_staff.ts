import type { Knex } from 'knex';

// Staff (operators who may open the queue dashboard, /admin/queues) beside the existing is_instructor flag.
// No API operation writes it (register and profile bodies reject unknown properties): an operator sets it in SQL.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE users ADD COLUMN is_staff boolean NOT NULL DEFAULT false');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE users DROP COLUMN IF EXISTS is_staff');
}
