import assert from 'node:assert/strict';
import { it } from 'node:test';
import { useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';

const t = useTestServer({ env: { RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: '3', RATE_LIMIT_REGISTER_PER_IP_PER_HOUR: '4' } });

it('limits login failures per email with 429, retry_after and Retry-After', async () => {
  const user = await registerLearner(t.api);
  for (let i = 0; i < 3; i++) {
    const res = await t.api.post('/auth/login/', { email: user.email, password: 'wrong-password' });
    assert.equal(res.status, 401);
  }
  const blocked = await t.api.post('/auth/login/', { email: user.email, password: user.password });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.body.error.code, 'RATE_LIMIT_EXCEEDED');
  assert.ok(blocked.body.error.retry_after > 0);
  assert.equal(blocked.headers.get('retry-after'), String(blocked.body.error.retry_after));
  assert.match(blocked.body.error.message, /^Request rate limit exceeded\. Please try again in \d+ seconds\.$/);
  // Another email from the same IP is not affected by this email's failures.
  const other = await registerLearner(t.api);
  assert.equal((await t.api.post('/auth/login/', { email: other.email, password: other.password })).status, 200);
});

it('keys the login lockout on email and address: failures from elsewhere never lock the owner out', async () => {
  const owner = await registerLearner(t.api);
  const attacker = { localAddress: '127.0.0.2' };
  for (let i = 0; i < 3; i++) {
    assert.equal((await t.api.post('/auth/login/', { email: owner.email, password: 'wrong-password' }, attacker)).status, 401);
  }
  const blocked = await t.api.post('/auth/login/', { email: owner.email, password: owner.password }, attacker);
  assert.equal(blocked.status, 429, 'the guessing address is locked out of this email');
  assert.equal(blocked.body.error.code, 'RATE_LIMIT_EXCEEDED');

  const home = await t.api.post('/auth/login/', { email: owner.email, password: owner.password }, { localAddress: '127.0.0.3' });
  assert.equal(home.status, 200, 'the owner, at their own address, still logs in');
  const changed = await t.api.post(
    '/auth/change-password/',
    { current_password: owner.password, new_password: 'AnotherSecret456!' },
    { token: home.body.access_token, localAddress: '127.0.0.3' },
  );
  assert.equal(changed.status, 204, 'and may change their password: the guesses did not count against them');
});

it('limits registrations per IP and sends RateLimit headers', async () => {
  // The registrations of the tests above already used part of the budget of 4.
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    const res = await t.api.post('/auth/register/', {
      email: `rl-${i}@example.com`,
      password: 'SecurePassword123!',
      first_name: 'R',
      last_name: 'L',
    });
    statuses.push(res.status);
  }
  assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
  const res = await t.api.get('/health/');
  assert.ok(Number(res.headers.get('ratelimit-limit')) > 0);
  assert.ok(res.headers.get('ratelimit-remaining') !== null);
});
