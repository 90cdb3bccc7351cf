import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { insertCourse } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';
import { registerLearner, type TestUser } from '../support/users';

/**
 * OWASP API2:2023 Broken Authentication. A token is accepted only when it is ours (our key, our algorithm, our
 * issuer and audience), current, of the right type and for a user who exists; a rotated refresh token used again
 * ends its whole family. Each forged token below is refused with 401 in the envelope on an authenticated read.
 */
let user: TestUser;
// The harness signs with random secrets per file; forging "with our own key" needs the running server's.
let accessSecret: string;
let refreshSecret: string;
const t = useTestServer({}, async () => {
  ({ accessSecret, refreshSecret } = t.config.jwt);
  user = await registerLearner(t.api);
});

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const claimsOf = (u: TestUser) => jwt.decode(u.access) as jwt.JwtPayload;

async function refused(token: string, code: RegExp = /^TOKEN_(INVALID|EXPIRED)$/): Promise<void> {
  const res = await t.api.get('/auth/me/', { token });
  assert.equal(res.status, 401, `${token.slice(0, 60)}... answered ${res.status}`);
  assert.match(res.body.error.code, code);
}

describe('API2:2023 Broken Authentication', () => {
  it('accepts the genuine token (the control for every refusal below)', async () => {
    assert.equal((await t.api.get('/auth/me/', { token: user.access })).status, 200);
  });

  it('refuses a token signed with another key, or with its signature cut or altered', async () => {
    const c = claimsOf(user);
    await refused(jwt.sign({ ...c }, 'a-guessed-secret-0123456789abcdef', { algorithm: 'HS256' }));
    const [h, p] = user.access.split('.');
    await refused(`${h}.${p}.`);
    await refused(`${h}.${p}.${'A'.repeat(43)}`);
    // The same signature over a payload naming another user.
    const other = await registerLearner(t.api);
    await refused(`${h}.${b64({ ...c, sub: other.id, user_id: other.id })}.${user.access.split('.')[2]}`);
  });

  it('refuses alg "none" and a switch to another algorithm', async () => {
    const c = claimsOf(user);
    await refused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(c)}.`);
    await refused(jwt.sign({ ...c }, accessSecret, { algorithm: 'HS512' }));
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(jwt.sign({ ...claimsOf(user), iat: now - 3600, exp: now - 60 }, accessSecret, { algorithm: 'HS256' }), /^TOKEN_EXPIRED$/);
  });

  it('refuses our own key with a wrong issuer, audience or token type', async () => {
    const c = claimsOf(user);
    await refused(jwt.sign({ ...c, iss: 'someone-else' }, accessSecret, { algorithm: 'HS256' }));
    await refused(jwt.sign({ ...c, aud: 'another-api' }, accessSecret, { algorithm: 'HS256' }));
    await refused(jwt.sign({ ...c, token_type: 'refresh' }, accessSecret, { algorithm: 'HS256' }));
    await refused(user.refresh, /^TOKEN_INVALID$/);
    const asRefresh = await t.api.post('/auth/refresh/', { refresh_token: user.access });
    assert.equal(asRefresh.status, 401, 'an access token is not a refresh token');
    const forgedRefresh = jwt.sign({ ...(jwt.decode(user.refresh) as object), token_type: 'access' }, refreshSecret, {
      algorithm: 'HS256',
    });
    assert.equal((await t.api.post('/auth/refresh/', { refresh_token: forgedRefresh })).status, 401);
  });

  it('ends the whole family when a rotated refresh token is used again', async () => {
    const victim = await registerLearner(t.api);
    const rotated = await t.api.post('/auth/refresh/', { refresh_token: victim.refresh });
    assert.equal(rotated.status, 200);
    const replay = await t.api.post('/auth/refresh/', { refresh_token: victim.refresh });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error.code, 'TOKEN_INVALID');
    const next = await t.api.post('/auth/refresh/', { refresh_token: rotated.body.refresh_token });
    assert.equal(next.status, 401, 'the newest token of a replayed family is revoked too');
  });

  it('answers the same 401 for a wrong password and an unknown email', async () => {
    const wrong = await t.api.post('/auth/login/', { email: user.email, password: 'not-the-password' });
    const unknown = await t.api.post('/auth/login/', { email: `nobody-${Date.now()}@example.com`, password: 'not-the-password' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(unknown.body, wrong.body);
  });

  it('refuses a token without exp', async () => {
    const { exp: _exp, ...c } = claimsOf(user);
    await refused(jwt.sign(c, accessSecret, { algorithm: 'HS256' }));
  });

  it('answers 401 for a validly signed token of a user who no longer exists, on reads and writes', async () => {
    const gone = await registerLearner(t.api);
    const course = await insertCourse(t.db, { priceCents: 0 });
    await t.db('users').where({ id: gone.id }).delete();
    await refused(gone.access);
    for (const [path, body] of [
      ['/cart/items/', { course_id: course.id }],
      ['/wishlist/items/', { course_id: course.id }],
      [`/courses/${course.id}/enroll/`, undefined],
    ] as const) {
      const res = await t.api.post(path, body, { token: gone.access });
      assert.equal(res.status, 401, `${path}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  });
});
