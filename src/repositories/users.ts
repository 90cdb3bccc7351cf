import type { Db } from '../db/knex';
import { param, runReadShape } from '../db/sqlShapes';

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

/** One SQL text (src/db/sqlShapes.ts): the instructor reads check their caller with it on every request. */
export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await runReadShape<UserRow>(
    db,
    'userById',
    () =>
      db<UserRow>('users')
        .where({ id: param('id') })
        .first(),
    { id },
  );
  return row;
}

/** Emails are unique regardless of case. */
export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').whereRaw('lower(email) = lower(?)', [email]).first();
}

/** Whether the user exists and is staff (the queue dashboard's guard, src/admin/staffOnly.ts). */
export async function isStaff(db: Db, id: string): Promise<boolean | undefined> {
  const row = (await db('users').where({ id }).first('is_staff')) as { is_staff: boolean } | undefined;
  return row?.is_staff;
}

/** The bearer check runs this on every authenticated request: one SQL text (src/db/sqlShapes.ts). */
export async function userExists(db: Db, id: string): Promise<boolean> {
  const rows = await runReadShape<{ id: string }>(
    db,
    'userExists',
    () =>
      db('users')
        .where({ id: param('id') })
        .first('id'),
    { id },
  );
  return rows.length > 0;
}

/** The unique index on lower(email) decides between two concurrent registrations (a 23505 for the loser). */
export async function insertUser(
  db: Db,
  user: { email: string; password_hash: string; first_name: string; last_name: string; timezone: string },
): Promise<UserRow> {
  const [row] = (await db('users').insert(user).returning('*')) as UserRow[];
  return row as UserRow;
}

/** Profile and password changes; stamps updated_at. */
export async function updateUser(db: Db, id: string, changes: Record<string, unknown>): Promise<void> {
  await db('users')
    .where({ id })
    .update({ ...changes, updated_at: db.fn.now() });
}

/** Compare-and-set: only a learner becomes an instructor; false when the user is one already (or is gone). */
export async function promoteToInstructor(db: Db, id: string, changes: { bio?: string }): Promise<boolean> {
  const updated = await db('users')
    .where({ id, is_instructor: false })
    .update({ is_instructor: true, updated_at: db.fn.now(), ...changes });
  return updated > 0;
}

export interface LearnerProfile {
  timezone: string;
  target_hours_per_month: number | null;
}

export function findLearnerProfile(db: Db, id: string): Promise<LearnerProfile | undefined> {
  return db('users').where({ id }).first('timezone', 'target_hours_per_month') as Promise<LearnerProfile | undefined>;
}

export async function setTargetHours(db: Db, id: string, targetHoursPerMonth: number): Promise<void> {
  await db('users').where({ id }).update({ target_hours_per_month: targetHoursPerMonth });
}

export function findUserName(db: Db, id: string): Promise<{ first_name: string; last_name: string } | undefined> {
  return db('users').where({ id }).first('first_name', 'last_name');
}
