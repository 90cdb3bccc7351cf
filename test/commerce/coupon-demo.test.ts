import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seedDemoCoupons } from '../../db/seeds/demoCoupons';
import { insertCourse } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';

const t = useTestServer();

describe('demo coupons', () => {
  it('give each published paid course a running WELCOME20 that a learner can apply, and leave free courses alone', async () => {
    const courses = [];
    for (let i = 0; i < 4; i++) courses.push(await insertCourse(t.db, { priceCents: 4999 }));
    const free = await insertCourse(t.db, { priceCents: 0 });
    const rows = await t.db('courses').whereIn('id', [...courses.map((c) => c.id), free.id]);
    assert.equal(await t.db.transaction((trx) => seedDemoCoupons(trx, rows)), 4 + 2 + 2 + 1);
    assert.equal((await t.db('coupons').where({ course_id: free.id })).length, 0);

    const learner = await registerLearner(t.api);
    const course = courses[0]!;
    assert.equal((await t.api.post('/cart/items/', { course_id: course.id }, { token: learner.access })).status, 201);
    const applied = await t.api.post('/cart/coupons/', { code: 'welcome20' }, { token: learner.access });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.equal(applied.body.total, 39.99);
    const codes = (await t.db('coupons').where({ course_id: course.id }).orderBy('code')).map((c) => c.code);
    assert.deepEqual(codes, ['EARLYBIRD', 'FLASH50', 'VIP999', 'WELCOME20']);
    for (const [code, reason] of [
      ['EARLYBIRD', 'COUPON_EXPIRED'],
      ['VIP999', 'COUPON_INACTIVE'],
    ]) {
      assert.equal((await t.api.post('/cart/coupons/', { code }, { token: learner.access })).body.error.code, reason);
    }
  });
});
