import crypto from 'node:crypto';
import { hashPassword, verifyPassword } from '../auth/passwords';
import type { Deps } from '../deps';
import { AppError, validationError } from '../errors';
import { isUniqueViolation } from '../db/pgErrors';
import { withTransaction } from '../db/transaction';
import { assertNotBlocked, consumeOrThrow } from '../http/rateLimits';
import { insertRefreshToken, lockRefreshToken, markRotated, revokeRefreshTokens } from '../repositories/refreshTokens';
import { findUserByEmail, findUserById, insertUser, promoteToInstructor, updateUser, type UserRow } from '../repositories/users';
import { isValidTimeZone } from '../time/zones';
import type { Db } from '../db/knex';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

function assertTimeZone(zone: string | undefined, field: string): void {
  if (zone !== undefined && !isValidTimeZone(zone)) throw validationError({ [field]: ['Unknown time zone.'] });
}

/** Starts a refresh-token family (one per login) or continues one (rotation), and signs the pair. */
async function issueTokens(
  deps: Deps,
  db: Db,
  userId: string,
  familyId: string = crypto.randomUUID(),
): Promise<TokenPair & { jti: string }> {
  const jti = crypto.randomUUID();
  const refresh = deps.tokens.signRefresh(userId, jti, familyId);
  await insertRefreshToken(db, { id: jti, user_id: userId, family_id: familyId, expires_at: refresh.expiresAt });
  return { access_token: deps.tokens.signAccess(userId), refresh_token: refresh.token, jti };
}

export async function register(
  deps: Deps,
  input: { email: string; password: string; first_name: string; last_name: string; timezone?: string },
  ip: string,
): Promise<{ user: UserRow; tokens: TokenPair }> {
  await consumeOrThrow(deps.rateLimits.registerByIp, ip);
  assertTimeZone(input.timezone, 'timezone');
  const passwordHash = await hashPassword(input.password);
  try {
    return await withTransaction(deps.db, async (trx) => {
      const user = await insertUser(trx, {
        email: input.email.trim(),
        password_hash: passwordHash,
        first_name: input.first_name.trim(),
        last_name: input.last_name.trim(),
        timezone: input.timezone ?? 'UTC',
      });
      const { jti: _jti, ...tokens } = await issueTokens(deps, trx, user.id);
      return { user, tokens };
    });
  } catch (err) {
    // The unique index on lower(email) decides, so two concurrent registrations cannot both succeed.
    if (isUniqueViolation(err)) throw new AppError('EMAIL_ALREADY_REGISTERED');
    throw err;
  }
}

/**
 * The key of the tight failure limit: the email together with the client address. Keyed on the email alone,
 * five wrong passwords from anywhere locked the owner out everywhere for an hour; now a guesser only locks
 * themselves out, and the looser per-address limit (loginFailuresByIp) bounds how many emails one address
 * may try.
 */
const failureKey = (email: string, ip: string): string => `${email.trim().toLowerCase()}|${ip}`;

/** Login failures are limited per email and address, and per address; a success clears its own count. */
export async function login(
  deps: Deps,
  input: { email: string; password: string },
  ip: string,
): Promise<{ user: UserRow; tokens: TokenPair }> {
  const emailKey = failureKey(input.email, ip);
  const limits = deps.rateLimits;
  await assertNotBlocked(limits.loginFailuresByEmail, emailKey);
  await assertNotBlocked(limits.loginFailuresByIp, ip);
  const user = await findUserByEmail(deps.db, input.email.trim());
  if (!(await verifyPassword(user?.password_hash, input.password)) || !user) {
    await consumeOrThrow(limits.loginFailuresByEmail, emailKey);
    await consumeOrThrow(limits.loginFailuresByIp, ip);
    throw new AppError('INVALID_CREDENTIALS');
  }
  await limits.loginFailuresByEmail.delete(emailKey);
  const { jti: _jti, ...tokens } = await issueTokens(deps, deps.db, user.id);
  return { user, tokens };
}

/**
 * Rotates a refresh token. Presenting a token that was already rotated means it leaked (or was replayed):
 * the whole family is revoked, so neither the thief nor the owner can continue it.
 */
export async function refresh(deps: Deps, refreshToken: string): Promise<TokenPair> {
  const claims = deps.tokens.verifyRefresh(refreshToken);
  const outcome = await withTransaction(deps.db, async (trx) => {
    const row = await lockRefreshToken(trx, claims.jti);
    if (!row || row.user_id !== claims.userId || row.family_id !== claims.familyId || row.revoked_at) return 'invalid' as const;
    if (row.rotated_at) {
      await revokeRefreshTokens(trx, { family_id: row.family_id });
      return 'reused' as const;
    }
    const next = await issueTokens(deps, trx, row.user_id, row.family_id);
    await markRotated(trx, row.id, next.jti);
    return { access_token: next.access_token, refresh_token: next.refresh_token };
  });
  if (typeof outcome === 'string') throw new AppError('TOKEN_INVALID');
  return outcome;
}

/** Revokes the family of the presented refresh token when it is the caller's; always succeeds (idempotent). */
export async function logout(deps: Deps, userId: string, refreshToken: string): Promise<void> {
  let familyId: string;
  try {
    const claims = deps.tokens.verifyRefresh(refreshToken);
    if (claims.userId !== userId) return;
    familyId = claims.familyId;
  } catch {
    return;
  }
  await revokeRefreshTokens(deps.db, { family_id: familyId, user_id: userId });
}

export async function changePassword(
  deps: Deps,
  userId: string,
  input: { current_password: string; new_password: string },
  ip: string,
): Promise<void> {
  // Compared with the submitted current password, not the stored hash: it answers before any check, so it
  // tells a guesser nothing about whether `current_password` is right.
  if (input.new_password === input.current_password) {
    throw validationError({ new_password: ['The new password must differ from the current password.'] });
  }
  const user = await requireUser(deps, userId);
  const emailKey = failureKey(user.email, ip);
  await assertNotBlocked(deps.rateLimits.loginFailuresByEmail, emailKey);
  if (!(await verifyPassword(user.password_hash, input.current_password))) {
    // A wrong current password is a guess like a failed login and is limited the same way.
    await consumeOrThrow(deps.rateLimits.loginFailuresByEmail, emailKey);
    await consumeOrThrow(deps.rateLimits.loginFailuresByIp, ip);
    throw new AppError('INVALID_CREDENTIALS', 'The current password is incorrect.');
  }
  const passwordHash = await hashPassword(input.new_password);
  await withTransaction(deps.db, async (trx) => {
    await updateUser(trx, userId, { password_hash: passwordHash });
    await revokeRefreshTokens(trx, { user_id: userId });
  });
}

export async function requireUser(deps: Deps, userId: string): Promise<UserRow> {
  const user = await findUserById(deps.db, userId);
  // A valid token for a user that no longer exists is as good as no token.
  if (!user) throw new AppError('TOKEN_INVALID');
  return user;
}

export interface ProfileUpdate {
  first_name?: string;
  last_name?: string;
  profile?: { bio?: string | null; profile_picture?: string | null; phone?: string | null; country?: string | null; timezone?: string };
}

export async function updateProfile(deps: Deps, userId: string, patch: ProfileUpdate): Promise<void> {
  assertTimeZone(patch.profile?.timezone, 'profile.timezone');
  const changes: Record<string, unknown> = {};
  if (patch.first_name !== undefined) changes.first_name = patch.first_name.trim();
  if (patch.last_name !== undefined) changes.last_name = patch.last_name.trim();
  for (const key of ['bio', 'profile_picture', 'phone', 'country', 'timezone'] as const) {
    if (patch.profile && key in patch.profile) changes[key] = patch.profile[key];
  }
  if (Object.keys(changes).length === 0) return;
  await updateUser(deps.db, userId, changes);
}

/** Compare-and-set: only a learner becomes an instructor, once. */
export async function becomeInstructor(deps: Deps, userId: string, bio: string | undefined): Promise<void> {
  if (!(await promoteToInstructor(deps.db, userId, bio !== undefined ? { bio } : {}))) {
    await requireUser(deps, userId);
    throw new AppError('ALREADY_INSTRUCTOR');
  }
}
