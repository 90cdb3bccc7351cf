import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isDatabaseUnavailable } from '../../src/db/pgErrors';

/**
 * Which database failures answer 503 SERVICE_UNAVAILABLE (retry later) rather than 500: the ones that say the
 * database cannot take the request now, never a query it refused. PostgreSQL's own refusals cannot be provoked
 * from a superuser test connection (superusers bypass connection limits), so their codes are checked here.
 */
it('treats a full, restarting or unreachable database as unavailable', () => {
  for (const code of ['08006', '08001', '57P01', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET']) {
    assert.equal(isDatabaseUnavailable({ code }), true, code);
  }
  assert.equal(isDatabaseUnavailable({ name: 'KnexTimeoutError', message: 'Knex: Timeout acquiring a connection' }), true);
});

it('treats a refused query as the request it is, not as an outage', () => {
  for (const code of ['23505', '23503', '22P02', '40001', '42P01', '53100']) {
    assert.equal(isDatabaseUnavailable({ code }), false, code);
  }
  assert.equal(isDatabaseUnavailable(new Error('boom')), false);
});
