import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse } from '../support/factories/catalog';
import { insertCoupon } from '../support/factories/coupons';
import { useTestServer } from '../support/harness';
import { registerInstructor, registerLearner, type TestUser } from '../support/users';

const t = useTestServer();

const DAY = 86_400_000;
const window = (fromDays: number, toDays: number) => ({
  starts_at: new Date(Date.now() + fromDays * DAY).toISOString(),
  ends_at: new Date(Date.now() + toDays * DAY).toISOString(),
});

async function cartWith(learner: TestUser, courseIds: string[]): Promise<void> {
  for (const id of courseIds) assert.equal((await t.api.post('/cart/items/', { course_id: id }, { token: learner.access })).status, 201);
}

const apply = (learner: TestUser, code: string) => t.api.post('/cart/coupons/', { code }, { token: learner.access });

describe('coupons: the instructor side', () => {
  it('creates, lists, reads, edits and deactivates coupons of their own courses only', async () => {
    const instructor = await registerInstructor(t.api);
    const other = await registerInstructor(t.api);
    const course = await insertCourse(t.db, { instructorId: instructor.id, title: 'Rust for the Impatient', priceCents: 8999 });
    const foreignCourse = await insertCourse(t.db, { instructorId: other.id });

    const created = await t.api.post(
      '/instructor/coupons/',
      { course_id: course.id, code: 'Spring25', percent_off: 25, max_redemptions: 10, ...window(-1, 10) },
      { token: instructor.access },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(
      { ...created.body, id: undefined, created_at: undefined, updated_at: undefined, starts_at: undefined, ends_at: undefined },
      {
        id: undefined,
        course: { id: course.id, title: 'Rust for the Impatient' },
        code: 'Spring25',
        kind: 'percent',
        percent_off: 25,
        fixed_price: null,
        starts_at: undefined,
        ends_at: undefined,
        max_redemptions: 10,
        redemptions_count: 0,
        reserved_count: 0,
        is_active: true,
        status: 'active',
        created_at: undefined,
        updated_at: undefined,
      },
    );

    // Unique per course whatever the case; another course may use the same code.
    const again = await t.api.post(
      '/instructor/coupons/',
      { course_id: course.id, code: 'SPRING25', fixed_price: 9.99, ...window(0, 1) },
      { token: instructor.access },
    );
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'COUPON_CODE_EXISTS');
    const foreign = await t.api.post(
      '/instructor/coupons/',
      { course_id: foreignCourse.id, code: 'SPRING25', percent_off: 10, ...window(0, 1) },
      { token: instructor.access },
    );
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'COURSE_NOT_FOUND');

    const learner = await registerLearner(t.api);
    const denied = await t.api.get('/instructor/coupons/', { token: learner.access });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'PERMISSION_DENIED');

    const id = created.body.id as string;
    assert.equal((await t.api.get(`/instructor/coupons/${id}/`, { token: other.access })).body.error.code, 'COUPON_NOT_FOUND');
    assert.equal((await t.api.patch(`/instructor/coupons/${id}/`, { is_active: false }, { token: other.access })).status, 404);
    assert.equal((await t.api.get(`/instructor/coupons/${id}/redemptions/`, { token: other.access })).status, 404);
    const othersList = await t.api.get('/instructor/coupons/', { token: other.access });
    assert.equal(othersList.body.count, 0);

    const list = await t.api.get('/instructor/coupons/', { token: instructor.access, query: { course_id: course.id } });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.results.map((c: any) => c.code),
      ['Spring25'],
    );

    const fixed = await t.api.patch(`/instructor/coupons/${id}/`, { fixed_price: 19.99 }, { token: instructor.access });
    assert.equal(fixed.status, 200);
    assert.equal(fixed.body.kind, 'fixed_price');
    assert.equal(fixed.body.fixed_price, 19.99);
    assert.equal(fixed.body.percent_off, null);
    const off = await t.api.patch(`/instructor/coupons/${id}/`, { is_active: false }, { token: instructor.access });
    assert.equal(off.body.is_active, false);
    assert.equal(off.body.status, 'inactive');
    assert.equal((await t.api.get(`/instructor/coupons/${id}/`, { token: instructor.access })).body.status, 'inactive');
  });

  it('refuses both kinds or neither, a price under the minimum charge, and a window that ends before it starts', async () => {
    const instructor = await registerInstructor(t.api);
    const course = await insertCourse(t.db, { instructorId: instructor.id });
    const post = (body: Record<string, unknown>) =>
      t.api.post('/instructor/coupons/', { course_id: course.id, code: 'BAD1', ...window(0, 1), ...body }, { token: instructor.access });
    const both = await post({ percent_off: 10, fixed_price: 5 });
    assert.equal(both.status, 422);
    assert.deepEqual(both.body.error.details, { percent_off: ['Send exactly one of percent_off and fixed_price.'] });
    assert.equal((await post({})).body.error.details.percent_off.length, 1);
    const cheap = await post({ fixed_price: 0.3 });
    assert.deepEqual(cheap.body.error.details, { fixed_price: ["A fixed price is 0 (free) or at least 0.50 (Stripe's minimum charge)."] });
    const backwards = await post({ percent_off: 10, ...window(2, 1) });
    assert.deepEqual(backwards.body.error.details, { ends_at: ['Must be later than starts_at.'] });
    const id = (await post({ percent_off: 10 })).body.id as string;
    const patched = await t.api.patch(`/instructor/coupons/${id}/`, { ends_at: window(-5, -4).ends_at }, { token: instructor.access });
    assert.deepEqual(patched.body.error.details, { ends_at: ['Must be later than starts_at.'] });
    await insertCoupon(t.db, course.id, { code: 'TAKEN' });
    const taken = await t.api.patch(`/instructor/coupons/${id}/`, { code: 'taken' }, { token: instructor.access });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error.code, 'COUPON_CODE_EXISTS');
  });
});

describe('coupons: the cart', () => {
  it('applies a code in any case to the lines of its course, shows price, discount and total, and removes it', async () => {
    const a = await insertCourse(t.db, { priceCents: 8999, originalPriceCents: 12999 });
    const b = await insertCourse(t.db, { priceCents: 7999 });
    await insertCoupon(t.db, a.id, { code: 'SPRING25', percentOff: 25 });
    const learner = await registerLearner(t.api);
    await cartWith(learner, [a.id, b.id]);

    const applied = await apply(learner, 'spring25');
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    const [lineA, lineB] = applied.body.items;
    assert.deepEqual(lineA.coupon, { code: 'SPRING25', kind: 'percent', percent_off: 25, fixed_price: null });
    // round(8999 × 25 / 100) = 2250 cents.
    assert.equal(lineA.coupon_discount, 22.5);
    assert.equal(lineA.total, 67.49);
    assert.equal(lineB.coupon, null);
    assert.equal(lineB.coupon_discount, 0);
    assert.equal(lineB.total, 79.99);
    assert.equal(applied.body.total_price, 169.98);
    assert.equal(applied.body.total_discount, 40, 'the sale discount keeps its meaning');
    assert.equal(applied.body.coupon_discount, 22.5);
    assert.equal(applied.body.total, 147.48);
    assert.deepEqual((await t.api.get('/cart/', { token: learner.access })).body, applied.body);

    const removed = await t.api.delete('/cart/coupons/Spring25/', { token: learner.access });
    assert.equal(removed.status, 204);
    const cart = (await t.api.get('/cart/', { token: learner.access })).body;
    assert.equal(cart.coupon_discount, 0);
    assert.equal(cart.total, 169.98);
    const gone = await t.api.delete('/cart/coupons/SPRING25/', { token: learner.access });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'COUPON_NOT_FOUND');
  });

  it('answers 422 with the reason: invalid (unknown or foreign), inactive, not started, expired, exhausted', async () => {
    const course = await insertCourse(t.db, { priceCents: 5000 });
    const elsewhere = await insertCourse(t.db, { priceCents: 5000 });
    await insertCoupon(t.db, elsewhere.id, { code: 'FOREIGN' });
    await insertCoupon(t.db, course.id, { code: 'OFF', isActive: false });
    await insertCoupon(t.db, course.id, { code: 'LATER', startsAt: new Date(Date.now() + DAY), endsAt: new Date(Date.now() + 2 * DAY) });
    await insertCoupon(t.db, course.id, { code: 'OVER', startsAt: new Date(Date.now() - 2 * DAY), endsAt: new Date(Date.now() - DAY) });
    const full = await insertCoupon(t.db, course.id, { code: 'FULL', maxRedemptions: 1 });
    await t.db('coupons').where({ id: full.id }).update({ uses_count: 1 });
    const learner = await registerLearner(t.api);
    await cartWith(learner, [course.id]);
    for (const [code, reason] of [
      ['NOSUCHCODE', 'COUPON_INVALID'],
      ['FOREIGN', 'COUPON_INVALID'],
      ['OFF', 'COUPON_INACTIVE'],
      ['LATER', 'COUPON_NOT_STARTED'],
      ['OVER', 'COUPON_EXPIRED'],
      ['FULL', 'COUPON_EXHAUSTED'],
    ] as const) {
      const res = await apply(learner, code);
      assert.equal(res.status, 422, code);
      assert.equal(res.body.error.code, reason, code);
    }
    assert.equal((await t.api.get('/cart/', { token: learner.access })).body.items[0].coupon, null);
  });

  it('never leaves a line between 1 and 49 cents: it is raised to 0.50, and a free line stays 0', async () => {
    const cheap = await insertCourse(t.db, { priceCents: 999 });
    const gift = await insertCourse(t.db, { priceCents: 1999 });
    await insertCoupon(t.db, cheap.id, { code: 'ALMOST', percentOff: 99 });
    await insertCoupon(t.db, gift.id, { code: 'GIFT', percentOff: 100 });
    const learner = await registerLearner(t.api);
    await cartWith(learner, [cheap.id, gift.id]);
    await apply(learner, 'ALMOST');
    const cart = (await apply(learner, 'GIFT')).body;
    assert.deepEqual(
      cart.items.map((i: any) => [i.coupon_discount, i.total]),
      [
        [9.49, 0.5],
        [19.99, 0],
      ],
    );
    assert.equal(cart.total, 0.5);
  });
});
