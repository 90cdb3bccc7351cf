import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';

const t = useTestServer();

describe('register', () => {
  it('creates a learner and answers 201 with tokens, as the guide shows', async () => {
    const email = `john.${crypto.randomUUID()}@example.com`;
    const res = await t.api.post('/auth/register/', { email, password: 'SecurePassword123!', first_name: 'John', last_name: 'Doe' });
    assert.equal(res.status, 201);
    assert.equal(res.body.email, email);
    assert.equal(res.body.is_instructor, false);
    assert.match(res.body.id, /^[0-9a-f-]{36}$/);
    const claims = jwt.decode(res.body.access_token) as Record<string, unknown>;
    assert.equal(claims.token_type, 'access');
    assert.equal((claims.exp as number) - (claims.iat as number), 15 * 60);
    const refresh = jwt.decode(res.body.refresh_token) as Record<string, unknown>;
    assert.equal((refresh.exp as number) - (refresh.iat as number), 7 * 24 * 3600);
    const row = await t.db('users').where({ id: res.body.id }).first();
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it("answers the guide's VALIDATION_ERROR details for missing fields", async () => {
    const res = await t.api.post('/auth/register/', { email: 'test@example.com' });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, {
      error: {
        code: 'VALIDATION_ERROR',
        message: 'Invalid input data',
        status: 422,
        details: {
          password: ['This field is required.'],
          first_name: ['This field is required.'],
          last_name: ['This field is required.'],
        },
      },
    });
  });

  it('refuses privileged fields such as is_instructor', async () => {
    const res = await t.api.post('/auth/register/', {
      email: 'sneaky@example.com',
      password: 'SecurePassword123!',
      first_name: 'S',
      last_name: 'N',
      is_instructor: true,
    });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.error.details, { is_instructor: ['This field is not allowed.'] });
    assert.equal(await t.db('users').where({ email: 'sneaky@example.com' }).first(), undefined);
  });

  it('rejects an email already registered in another case', async () => {
    const user = await registerLearner(t.api);
    const res = await t.api.post('/auth/register/', {
      email: user.email.toUpperCase(),
      password: 'SecurePassword123!',
      first_name: 'A',
      last_name: 'B',
    });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'EMAIL_ALREADY_REGISTERED');
  });

  it('lets exactly one of 10 concurrent registrations of one email win', async () => {
    const email = `race-${crypto.randomUUID()}@example.com`;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.api.post('/auth/register/', { email, password: 'SecurePassword123!', first_name: 'R', last_name: 'C' }),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [201, ...Array(9).fill(409)]);
    assert.equal((await t.db('users').whereRaw('lower(email) = ?', [email]).count({ n: '*' }))[0]?.n, 1);
  });

  it('rejects an unknown time zone and a malformed email', async () => {
    const res = await t.api.post('/auth/register/', {
      email: 'not-an-email',
      password: 'SecurePassword123!',
      first_name: 'A',
      last_name: 'B',
      timezone: 'Mars/Olympus',
    });
    assert.equal(res.status, 422);
    assert.ok(res.body.error.details.email);
    const tz = await t.api.post('/auth/register/', {
      email: 'tz@example.com',
      password: 'SecurePassword123!',
      first_name: 'A',
      last_name: 'B',
      timezone: 'Mars/Olympus',
    });
    assert.equal(tz.status, 422);
    assert.deepEqual(tz.body.error.details, { timezone: ['Unknown time zone.'] });
  });
});

describe('login and me', () => {
  it('logs in with any email case and returns the user', async () => {
    const user = await registerLearner(t.api);
    const res = await t.api.post('/auth/login/', { email: user.email.toUpperCase(), password: user.password });
    assert.equal(res.status, 200);
    assert.equal(res.body.user.id, user.id);
    const me = await t.api.get('/auth/me/', { token: res.body.access_token });
    assert.equal(me.status, 200);
    assert.equal(me.body.email, user.email);
    assert.equal(me.body.profile.timezone, 'UTC');
    assert.equal(me.body.profile.total_hours_learned, 0);
  });

  it('answers INVALID_CREDENTIALS for a wrong password and an unknown email alike', async () => {
    const user = await registerLearner(t.api);
    const wrong = await t.api.post('/auth/login/', { email: user.email, password: 'nope-nope-nope' });
    const unknown = await t.api.post('/auth/login/', { email: 'nobody@example.com', password: 'nope-nope-nope' });
    for (const res of [wrong, unknown]) {
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'INVALID_CREDENTIALS');
    }
    assert.equal(wrong.body.error.message, unknown.body.error.message);
  });

  it('updates the profile but never privileged fields', async () => {
    const user = await registerLearner(t.api);
    const res = await t.api.patch(
      '/auth/me/',
      { first_name: 'Jo', profile: { bio: 'Software developer', timezone: 'America/Los_Angeles' } },
      { token: user.access },
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.first_name, 'Jo');
    assert.equal(res.body.profile.bio, 'Software developer');
    assert.equal(res.body.profile.timezone, 'America/Los_Angeles');
    const sneaky = await t.api.patch('/auth/me/', { is_instructor: true }, { token: user.access });
    assert.equal(sneaky.status, 422);
    assert.equal(sneaky.body.error.code, 'VALIDATION_ERROR');
    assert.equal((await t.db('users').where({ id: user.id }).first()).is_instructor, false);
  });

  it('becomes an instructor once', async () => {
    const user = await registerLearner(t.api);
    const first = await t.api.post('/auth/become-instructor/', {}, { token: user.access });
    assert.equal(first.status, 200);
    assert.equal(first.body.is_instructor, true);
    const again = await t.api.post('/auth/become-instructor/', {}, { token: user.access });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'ALREADY_INSTRUCTOR');
  });
});

describe('tokens', () => {
  const sign = (payload: object, opts: jwt.SignOptions = {}, secret = t.config.jwt.accessSecret): string =>
    jwt.sign(payload, secret, { algorithm: 'HS256', issuer: t.config.jwt.issuer, audience: t.config.jwt.audience, expiresIn: 60, ...opts });

  it("requires a token with the guide's AUTHENTICATION_REQUIRED body", async () => {
    const res = await t.api.get('/auth/me/');
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: { code: 'AUTHENTICATION_REQUIRED', message: 'Authentication credentials were not provided.', status: 401 },
    });
  });

  it('answers TOKEN_EXPIRED for an expired token', async () => {
    const user = await registerLearner(t.api);
    const expired = sign({ token_type: 'access', user_id: user.id }, { subject: user.id, expiresIn: -10 });
    const res = await t.api.get('/auth/me/', { token: expired });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, { error: { code: 'TOKEN_EXPIRED', message: 'Token is invalid or expired', status: 401 } });
  });

  it('answers TOKEN_INVALID for tampered, alg:none, wrong-audience and refresh tokens', async () => {
    const user = await registerLearner(t.api);
    const [h, p, s] = user.access.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: crypto.randomUUID() })).toString('base64url')}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    const wrongAudience = sign({ token_type: 'access', user_id: user.id }, { subject: user.id, audience: 'someone-else' });
    const wrongSecret = sign({ token_type: 'access', user_id: user.id }, { subject: user.id }, 'another-secret');
    for (const token of [tampered, none, wrongAudience, wrongSecret, user.refresh, 'garbage']) {
      const res = await t.api.get('/auth/me/', { token });
      assert.equal(res.status, 401, token);
      assert.equal(res.body.error.code, 'TOKEN_INVALID', token);
    }
  });

  it('refuses an access token where a refresh token is expected', async () => {
    const user = await registerLearner(t.api);
    const res = await t.api.post('/auth/refresh/', { refresh_token: user.access });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'TOKEN_INVALID');
  });

  it('rotates refresh tokens and revokes the family on reuse', async () => {
    const user = await registerLearner(t.api);
    const first = await t.api.post('/auth/refresh/', { refresh_token: user.refresh });
    assert.equal(first.status, 200);
    assert.notEqual(first.body.refresh_token, user.refresh);
    const second = await t.api.post('/auth/refresh/', { refresh_token: first.body.refresh_token });
    assert.equal(second.status, 200);
    // The first token again: someone replays a rotated token, so the whole family dies.
    const replay = await t.api.post('/auth/refresh/', { refresh_token: user.refresh });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error.code, 'TOKEN_INVALID');
    const latest = await t.api.post('/auth/refresh/', { refresh_token: second.body.refresh_token });
    assert.equal(latest.status, 401);
    assert.equal(latest.body.error.code, 'TOKEN_INVALID');
  });

  it('logs out by revoking the refresh family', async () => {
    const user = await registerLearner(t.api);
    const res = await t.api.post('/auth/logout/', { refresh_token: user.refresh }, { token: user.access });
    assert.equal(res.status, 204);
    const after = await t.api.post('/auth/refresh/', { refresh_token: user.refresh });
    assert.equal(after.status, 401);
  });

  it('changes the password and revokes every refresh token', async () => {
    const user = await registerLearner(t.api);
    const other = await t.api.post('/auth/login/', { email: user.email, password: user.password });
    const wrong = await t.api.post(
      '/auth/change-password/',
      { current_password: 'wrong-password', new_password: 'BrandNew123!' },
      { token: user.access },
    );
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'INVALID_CREDENTIALS');
    assert.equal(wrong.body.error.message, 'The current password is incorrect.', 'as the contract example says');
    const ok = await t.api.post(
      '/auth/change-password/',
      { current_password: user.password, new_password: 'BrandNew123!' },
      { token: user.access },
    );
    assert.equal(ok.status, 204);
    for (const refresh of [user.refresh, other.body.refresh_token]) {
      assert.equal((await t.api.post('/auth/refresh/', { refresh_token: refresh })).status, 401);
    }
    assert.equal((await t.api.post('/auth/login/', { email: user.email, password: 'BrandNew123!' })).status, 200);
    assert.equal((await t.api.post('/auth/login/', { email: user.email, password: user.password })).status, 401);
  });

  it('refuses a new password equal to the current one with 422 on new_password, and keeps every session', async () => {
    const user = await registerLearner(t.api);
    const res = await t.api.post(
      '/auth/change-password/',
      { current_password: user.password, new_password: user.password },
      { token: user.access },
    );
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'VALIDATION_ERROR');
    assert.deepEqual(res.body.error.details, { new_password: ['The new password must differ from the current password.'] });
    assert.equal((await t.api.post('/auth/refresh/', { refresh_token: user.refresh })).status, 200, 'nothing was revoked');
  });
});

describe('HTTP edges', () => {
  it('answers 400 BAD_REQUEST for malformed JSON', async () => {
    const res = await t.api.request('POST', '/auth/login/', { rawBody: '{"email": ', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'BAD_REQUEST');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await t.api.request('POST', '/auth/login/', {
      rawBody: 'email=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 415);
    assert.equal(res.body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 404 NOT_FOUND for an unknown route and 405 for a wrong method', async () => {
    const missing = await t.api.request('GET', '/no-such-thing/');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
    const noSlash = await t.api.request('GET', '/auth/me');
    assert.equal(noSlash.status, 404);
    const method = await t.api.request('DELETE', '/auth/login/');
    assert.equal(method.status, 405);
    assert.equal(method.body.error.code, 'METHOD_NOT_ALLOWED');
  });

  it('answers 413 for an oversized body', async () => {
    const res = await t.api.request('POST', '/auth/login/', {
      rawBody: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(200_000) }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'PAYLOAD_TOO_LARGE');
  });

  it('sets a request id and security headers', async () => {
    const res = await t.api.get('/health/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  it('reports readiness of PostgreSQL and Redis', async () => {
    const res = await t.api.get('/health/ready/');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok', checks: { database: 'ok', redis: 'ok' } });
  });
});
