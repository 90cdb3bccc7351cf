import type { Knex } from 'knex';
import { hashPassword } from '../../src/auth/passwords';
import { seedId } from './demo';

export const DEMO_STAFF_EMAIL = 'staff@learnflow.dev';

/**
 * The demo staff user that `npm start` prints, for the queue dashboard (/admin/queues). Its password is the
 * install's own random DEMO_STAFF_PASSWORD (src/localSecrets.ts), never one written in the repository: the
 * public demo password must not open an operator's page. Run at every start, so the login printed is the one
 * that works, also on a database seeded before this user existed.
 */
export async function ensureDemoStaff(db: Knex, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db('users')
    .insert({
      id: seedId('user', DEMO_STAFF_EMAIL),
      email: DEMO_STAFF_EMAIL,
      password_hash: passwordHash,
      first_name: 'Sam',
      last_name: 'Staff',
      is_staff: true,
    })
    .onConflict('email')
    .merge({ password_hash: passwordHash, is_staff: true });
}
