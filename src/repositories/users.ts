import type { Knex } from 'knex';

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  is_instructor: boolean;
  is_staff: boolean;
  timezone: string;
  bio: string | null;
  profile_picture: string | null;
  phone: string | null;
  country: string | null;
  target_hours_per_month: number | null;
  created_at: Date;
  updated_at: Date;
}

export function findUserById(db: Knex | Knex.Transaction, id: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ id }).first();
}

/** Emails are unique regardless of case. */
export function findUserByEmail(db: Knex | Knex.Transaction, email: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').whereRaw('lower(email) = lower(?)', [email]).first();
}

/** Whether the user exists and is staff (the queue dashboard's guard, src/admin/staffOnly.ts). */
export async function isStaff(db: Knex | Knex.Transaction, id: string): Promise<boolean | undefined> {
  const row = (await db('users').where({ id }).first('is_staff')) as { is_staff: boolean } | undefined;
  return row?.is_staff;
}
