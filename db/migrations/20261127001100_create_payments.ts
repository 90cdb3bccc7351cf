import type { Knex } from 'knex';

// One PaymentIntent per order (order_id UNIQUE); fulfilled_at is set once, in the same transaction that
// enrolls, so a confirm call and a webhook racing each other fulfil once.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES orders(id) ON DELETE RESTRICT CONSTRAINT payments_order_id_unique UNIQUE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
      stripe_payment_intent_id text CONSTRAINT payments_stripe_payment_intent_id_unique UNIQUE,
      amount_cents integer NOT NULL CONSTRAINT payments_amount_cents_check CHECK (amount_cents >= 0),
      currency char(3) NOT NULL DEFAULT 'usd',
      status text NOT NULL DEFAULT 'requires_payment_method',
      client_secret text,
      fulfilled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE INDEX payments_user_id_index ON payments (user_id)');
  await knex.raw('CREATE TRIGGER payments_set_updated_at BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION set_updated_at()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS payments');
}
