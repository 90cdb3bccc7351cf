import type { Knex } from 'knex';

// One row per issued refresh token; id is the JWT's jti. Rotation marks the old row rotated_at/replaced_by;
// reuse of a rotated token revokes the whole family.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      family_id uuid NOT NULL,
      expires_at timestamptz NOT NULL,
      rotated_at timestamptz,
      revoked_at timestamptz,
      replaced_by uuid REFERENCES refresh_tokens(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE INDEX refresh_tokens_family_id_index ON refresh_tokens (family_id)');
  await knex.raw('CREATE INDEX refresh_tokens_user_id_index ON refresh_tokens (user_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS refresh_tokens');
}
