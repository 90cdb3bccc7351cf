import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { loadConfig } from '../../src/config';
import { startTestServer, type TestServer } from '../support/harness';
import { registerLearner } from '../support/users';

/** What the first build signed with when nothing was configured: public to anyone who read the repository. */
const oldDerived = (name: string): string => crypto.createHash('sha256').update(`learnflow-dev-${name}`).digest('hex');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lf-secrets-'));
const secretsFile = path.join(tmp, 'nested', 'secrets.json');
/** A development install with nothing configured, keeping its secrets in a file of this test's own. */
const devEnv = { NODE_ENV: 'development', LEARNFLOW_SECRETS_FILE: secretsFile } as NodeJS.ProcessEnv;

let t: TestServer;
before(async () => {
  // Empty values count as unset, so the server falls back to the install's secrets file as `npm start` does.
  t = await startTestServer({
    env: {
      NODE_ENV: 'development',
      JWT_ACCESS_SECRET: '',
      JWT_REFRESH_SECRET: '',
      STRIPE_WEBHOOK_SECRET: '',
      LEARNFLOW_SECRETS_FILE: secretsFile,
    },
  });
});
after(async () => {
  await t.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sign = (claims: object, secret: string, opts: jwt.SignOptions = {}): string =>
  jwt.sign(claims, secret, { algorithm: 'HS256', issuer: t.config.jwt.issuer, audience: t.config.jwt.audience, ...opts });

describe('secrets of an install with nothing configured', () => {
  it('are random, generated once into a private file, and the same after a restart', () => {
    const first = loadConfig(devEnv);
    const stat = fs.statSync(secretsFile);
    assert.equal(stat.mode & 0o777, 0o600);
    const again = loadConfig(devEnv);
    assert.equal(again.jwt.accessSecret, first.jwt.accessSecret);
    assert.equal(again.jwt.refreshSecret, first.jwt.refreshSecret);
    assert.equal(again.stripe.webhookSecret, first.stripe.webhookSecret);
    assert.equal(t.config.jwt.accessSecret, first.jwt.accessSecret, 'the running server uses the same file');
    assert.notEqual(first.jwt.accessSecret, oldDerived('JWT_ACCESS_SECRET'));
    assert.notEqual(first.jwt.refreshSecret, oldDerived('JWT_REFRESH_SECRET'));
    assert.notEqual(first.jwt.accessSecret, first.jwt.refreshSecret);
    assert.notEqual(first.stripe.webhookSecret, 'whsec_learnflow_local');
    assert.match(first.stripe.webhookSecret, /^whsec_[A-Za-z0-9_-]{40,}$/);
    assert.ok(first.jwt.accessSecret.length >= 64);
    // Another install (another file) gets other secrets.
    const other = loadConfig({ ...devEnv, LEARNFLOW_SECRETS_FILE: path.join(tmp, 'other.json') });
    assert.notEqual(other.jwt.accessSecret, first.jwt.accessSecret);
  });

  it('keeps the default secrets file out of git', () => {
    const root = path.resolve(__dirname, '..', '..');
    const ignored = execFileSync('git', ['check-ignore', '.local/secrets.json'], { cwd: root, encoding: 'utf8' });
    assert.equal(ignored.trim(), '.local/secrets.json');
  });

  it('refuses a token signed with the old derived development secret', async () => {
    const learner = await registerLearner(t.api);
    const forged = sign({ token_type: 'access', user_id: learner.id }, oldDerived('JWT_ACCESS_SECRET'), {
      subject: learner.id,
      expiresIn: 600,
    });
    const res = await t.api.get('/auth/me/', { token: forged });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'TOKEN_INVALID');
    const own = await t.api.get('/auth/me/', { token: learner.access });
    assert.equal(own.status, 200);
  });

  it('refuses access and refresh tokens without exp, even correctly signed', async () => {
    const learner = await registerLearner(t.api);
    const access = sign({ token_type: 'access', user_id: learner.id }, t.config.jwt.accessSecret, {
      subject: learner.id,
      jwtid: crypto.randomUUID(),
    });
    assert.equal((jwt.decode(access) as jwt.JwtPayload).exp, undefined);
    const me = await t.api.get('/auth/me/', { token: access });
    assert.equal(me.status, 401);
    assert.equal(me.body.error.code, 'TOKEN_INVALID');
    const refreshClaims = jwt.decode(learner.refresh) as jwt.JwtPayload;
    const refresh = sign({ token_type: 'refresh', user_id: learner.id, family_id: refreshClaims.family_id }, t.config.jwt.refreshSecret, {
      subject: learner.id,
      jwtid: refreshClaims.jti as string,
    });
    const refreshed = await t.api.post('/auth/refresh/', { refresh_token: refresh });
    assert.equal(refreshed.status, 401);
    assert.equal(refreshed.body.error.code, 'TOKEN_INVALID');
  });
});

describe('production configuration', () => {
  const prod = { NODE_ENV: 'production', JWT_ACCESS_SECRET: 'a'.repeat(64), JWT_REFRESH_SECRET: 'b'.repeat(64) } as NodeJS.ProcessEnv;

  it('refuses to start with a real Stripe key but no webhook signing secret', () => {
    assert.throws(() => loadConfig({ ...prod, STRIPE_SECRET_KEY: 'sk_live_x' }), /STRIPE_WEBHOOK_SECRET/);
    assert.throws(() => loadConfig({ ...prod, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: '' }), /STRIPE_WEBHOOK_SECRET/);
    const ok = loadConfig({ ...prod, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_real' });
    assert.equal(ok.stripe.webhookSecret, 'whsec_real');
  });

  it('refuses to start without JWT secrets, and never writes a secrets file', () => {
    const file = path.join(tmp, 'prod.json');
    assert.throws(() => loadConfig({ NODE_ENV: 'production', LEARNFLOW_SECRETS_FILE: file }), /JWT_ACCESS_SECRET/);
    const ok = loadConfig({ ...prod, LEARNFLOW_SECRETS_FILE: file });
    assert.notEqual(ok.stripe.webhookSecret, 'whsec_learnflow_local');
    assert.equal(fs.existsSync(file), false);
  });
});
