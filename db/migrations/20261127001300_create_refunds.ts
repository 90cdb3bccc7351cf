import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE refunds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES orders(id) ON DELETE RESTRICT CONSTRAINT refunds_order_id_unique UNIQUE,
      stripe_refund_id text CONSTRAINT refunds_stripe_refund_id_unique UNIQUE,
      amount_cents integer NOT NULL CONSTRAINT refunds_amount_cents_check CHECK (amount_cents >= 0),
      currency char(3) NOT NULL DEFAULT 'usd',
      status text NOT NULL DEFAULT 'pending',
      reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE TRIGGER refunds_set_updated_at BEFORE UPDATE ON refunds FOR EACH ROW EXECUTE FUNCTION set_updated_at()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS refunds');
}
