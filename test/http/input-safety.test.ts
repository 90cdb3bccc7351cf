import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startTestServer, TestServer } from '../support/harness';
import { registerLearner } from '../support/users';

/** Inputs the contract lets through but PostgreSQL cannot take must still end as 4xx, never 500. */
let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.close();
});

it('refuses a NUL character in any body field, nested ones included, as a validation error', async () => {
  const res = await t.api.post('/auth/register/', { email: 'nul@example.com', password: 'SecurePassword123!', first_name: 'A\u0000B', last_name: 'C' });
  assert.equal(res.status, 422);
  assert.deepEqual(res.body.error.details, { first_name: ['Null characters are not allowed.'] });
  const user = await registerLearner(t.api);
  const nested = await t.api.patch('/auth/me/', { profile: { bio: 'x\u0000' } }, { token: user.access });
  assert.equal(nested.status, 422);
  assert.deepEqual(nested.body.error.details, { 'profile.bio': ['Null characters are not allowed.'] });
});

it('answers a page too far out to compute as past the end, on every paginated list', async () => {
  const user = await registerLearner(t.api);
  for (const path of ['/courses/', '/orders/', '/enrollments/', '/certificates/']) {
    const res = await t.api.get(path, { token: user.access, query: { page: '1e300' } });
    assert.equal(res.status, 404, path);
    assert.equal(res.body.error.code, 'PAGE_NOT_FOUND', path);
  }
});
