import assert from 'node:assert/strict';
import { it } from 'node:test';
import { useTestServer } from '../support/harness';
import { registerInstructor } from '../support/users';

/**
 * Fixed-shape reads run as named prepared statements on each pooled connection (src/db/sqlShapes.ts). A migration
 * that changes a table's columns while the API runs makes PostgreSQL refuse the statements prepared before it
 * ("cached plan must not change result type"): the read must still answer, and the connection be replaced.
 */
const t = useTestServer();

it('answers a fixed-shape read after its table gained a column while the API ran', async () => {
  const instructor = await registerInstructor(t.api);
  const day = new Date().toISOString().slice(0, 10);
  // The instructor reads look their caller up with a `select *` shape (findUserById): prepared by these calls.
  const read = () => t.api.get(`/instructor/insights/sales/?from=${day}&to=${day}`, { token: instructor.access });
  for (let i = 0; i < 3; i++) assert.equal((await read()).status, 200);

  await t.db.raw('ALTER TABLE users ADD COLUMN prepared_shape_probe integer');
  try {
    for (let i = 0; i < 12; i++) {
      const res = await read();
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.totals.sales_count, 0);
    }
  } finally {
    await t.db.raw('ALTER TABLE users DROP COLUMN prepared_shape_probe');
  }
});
