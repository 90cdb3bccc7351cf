import type { Db } from '../db/knex';

export interface RefreshRow {
  id: string;
  user_id: string;
  family_id: string;
  rotated_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date;
}

export async function insertRefreshToken(db: Db, row: { id: string; user_id: string; family_id: string; expires_at: Date }): Promise<void> {
  await db('refresh_tokens').insert(row);
}

/** Locked: two rotations of one token serialize, so only one of them continues the family. */
export function lockRefreshToken(trx: Db, id: string): Promise<RefreshRow | undefined> {
  return trx<RefreshRow>('refresh_tokens').where({ id }).forUpdate().first();
}

export async function markRotated(trx: Db, id: string, replacedBy: string): Promise<void> {
  await trx('refresh_tokens').where({ id }).update({ rotated_at: trx.fn.now(), replaced_by: replacedBy });
}

/** Revokes the live tokens matching `where` (a family, a family of one user, or all of a user's). */
export async function revokeRefreshTokens(db: Db, where: { family_id?: string; user_id?: string }): Promise<void> {
  await db('refresh_tokens').where(where).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
}
