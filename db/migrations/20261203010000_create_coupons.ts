import type { Knex } from 'knex';

// Coupons of a course, the cart lines they are applied to, and their redemptions. What the business depends on
// lives here: one code per course whatever its case (unique on lower(code)), one kind of discount per coupon,
// and `uses_count` (the non-released redemptions) is the counter create-from-cart compare-and-sets against
// max_redemptions, so N slots give exactly N reservations however many learners race.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE coupons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id uuid NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
      code varchar(40) NOT NULL,
      percent_off smallint CONSTRAINT coupons_percent_off_check CHECK (percent_off BETWEEN 1 AND 100),
      fixed_price_cents integer CONSTRAINT coupons_fixed_price_cents_check CHECK (fixed_price_cents >= 0),
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      max_redemptions integer CONSTRAINT coupons_max_redemptions_check CHECK (max_redemptions >= 1),
      uses_count integer NOT NULL DEFAULT 0 CONSTRAINT coupons_uses_count_check CHECK (uses_count >= 0),
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT coupons_one_kind_check CHECK ((percent_off IS NULL) <> (fixed_price_cents IS NULL)),
      CONSTRAINT coupons_window_check CHECK (ends_at > starts_at)
    )`);
  await knex.raw('CREATE UNIQUE INDEX coupons_course_id_lower_code_unique ON coupons (course_id, lower(code))');
  await knex.raw('CREATE INDEX coupons_lower_code_index ON coupons (lower(code))');

  // One coupon per cart line; the line going (removed, bought) takes its coupon with it.
  await knex.raw(`
    CREATE TABLE cart_coupons (
      cart_item_id uuid PRIMARY KEY REFERENCES cart_items(id) ON DELETE CASCADE,
      coupon_id uuid NOT NULL REFERENCES coupons(id) ON DELETE CASCADE,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE INDEX cart_coupons_coupon_id_index ON cart_coupons (coupon_id)');

  await knex.raw(`
    CREATE TABLE coupon_redemptions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      coupon_id uuid NOT NULL REFERENCES coupons(id) ON DELETE CASCADE,
      order_id uuid NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      discount_cents integer NOT NULL CONSTRAINT coupon_redemptions_discount_cents_check CHECK (discount_cents >= 0),
      status varchar(10) NOT NULL DEFAULT 'reserved'
        CONSTRAINT coupon_redemptions_status_check CHECK (status IN ('reserved', 'redeemed', 'released')),
      created_at timestamptz NOT NULL DEFAULT now(),
      redeemed_at timestamptz,
      released_at timestamptz,
      CONSTRAINT coupon_redemptions_coupon_id_order_id_unique UNIQUE (coupon_id, order_id)
    )`);
  await knex.raw('CREATE INDEX coupon_redemptions_order_id_index ON coupon_redemptions (order_id)');
  await knex.raw('CREATE INDEX coupon_redemptions_coupon_id_created_at_index ON coupon_redemptions (coupon_id, created_at DESC)');

  // The discount of each line is frozen with its price; orders.discount_cents is their sum.
  await knex.raw(`
    ALTER TABLE order_items
      ADD COLUMN discount_cents integer NOT NULL DEFAULT 0 CONSTRAINT order_items_discount_cents_check CHECK (discount_cents >= 0),
      ADD COLUMN coupon_id uuid REFERENCES coupons(id) ON DELETE SET NULL,
      ADD CONSTRAINT order_items_discount_within_price_check CHECK (discount_cents <= price_cents)`);
  await knex.raw('CREATE INDEX order_items_coupon_id_index ON order_items (coupon_id) WHERE coupon_id IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS order_items_coupon_id_index');
  await knex.raw(`
    ALTER TABLE order_items
      DROP CONSTRAINT IF EXISTS order_items_discount_within_price_check,
      DROP COLUMN IF EXISTS coupon_id,
      DROP COLUMN IF EXISTS discount_cents`);
  await knex.raw('DROP TABLE IF EXISTS coupon_redemptions');
  await knex.raw('DROP TABLE IF EXISTS cart_coupons');
  await knex.raw('DROP TABLE IF EXISTS coupons');
}
