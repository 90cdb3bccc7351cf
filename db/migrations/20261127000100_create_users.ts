import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email citext NOT NULL CONSTRAINT users_email_unique UNIQUE,
      password_hash text NOT NULL,
      first_name text NOT NULL,
      last_name text NOT NULL,
      is_instructor boolean NOT NULL DEFAULT false,
      timezone text NOT NULL DEFAULT 'UTC',
      bio text,
      profile_picture text,
      phone text,
      country text,
      target_hours_per_month integer CONSTRAINT users_target_hours_check
        CHECK (target_hours_per_month IS NULL OR target_hours_per_month BETWEEN 0 AND 744),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS users');
}
