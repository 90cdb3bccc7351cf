import type { Knex } from 'knex';

// order_number defaults to ORD-<UTC year>-<5+ digits> from order_number_seq (owned by the column, so
// TRUNCATE ... RESTART IDENTITY resets it). The partial unique index on (user_id, cart_fingerprint) for
// pending orders makes concurrent create-from-cart calls for the same cart produce one order.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE SEQUENCE order_number_seq');
  await knex.raw(`
    CREATE FUNCTION next_order_number() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
    DECLARE n bigint := nextval('order_number_seq');
    BEGIN
      RETURN 'ORD-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-' || lpad(n::text, greatest(5, length(n::text)), '0');
    END $$`);
  await knex.raw(`
    CREATE TABLE orders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
      order_number text NOT NULL DEFAULT next_order_number() CONSTRAINT orders_order_number_unique UNIQUE,
      status text NOT NULL DEFAULT 'pending'
        CONSTRAINT orders_status_check CHECK (status IN ('pending', 'completed', 'failed', 'refunded', 'cancelled')),
      subtotal_cents integer NOT NULL DEFAULT 0 CONSTRAINT orders_subtotal_cents_check CHECK (subtotal_cents >= 0),
      discount_cents integer NOT NULL DEFAULT 0 CONSTRAINT orders_discount_cents_check CHECK (discount_cents >= 0),
      total_cents integer NOT NULL DEFAULT 0 CONSTRAINT orders_total_cents_check CHECK (total_cents >= 0),
      currency char(3) NOT NULL DEFAULT 'usd',
      billing_address jsonb,
      cart_fingerprint text,
      receipt_path text,
      receipt_token text,
      completed_at timestamptz,
      failed_at timestamptz,
      refunded_at timestamptz,
      cancelled_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT orders_total_matches_check CHECK (total_cents = subtotal_cents - discount_cents)
    )`);
  await knex.raw('ALTER SEQUENCE order_number_seq OWNED BY orders.order_number');
  await knex.raw(`CREATE UNIQUE INDEX orders_pending_cart_unique ON orders (user_id, cart_fingerprint) WHERE status = 'pending'`);
  await knex.raw('CREATE INDEX orders_user_created_index ON orders (user_id, created_at DESC)');
  await knex.raw('CREATE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at()');

  await knex.raw(`
    CREATE TABLE order_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id uuid NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE RESTRICT,
      price_cents integer NOT NULL CONSTRAINT order_items_price_cents_check CHECK (price_cents >= 0),
      original_price_cents integer CONSTRAINT order_items_original_price_cents_check CHECK (original_price_cents >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT order_items_order_id_course_id_unique UNIQUE (order_id, course_id)
    )`);
  await knex.raw('CREATE INDEX order_items_course_id_index ON order_items (course_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS order_items');
  await knex.raw('DROP TABLE IF EXISTS orders'); // drops order_number_seq with it (OWNED BY)
  await knex.raw('DROP SEQUENCE IF EXISTS order_number_seq');
  await knex.raw('DROP FUNCTION IF EXISTS next_order_number()');
}
