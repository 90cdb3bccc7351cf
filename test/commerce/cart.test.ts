import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse, insertEnrollment } from '../support/factories/catalog';
import { useTestServer } from '../support/harness';
import { registerInstructor, registerLearner } from '../support/users';

const t = useTestServer();

describe('cart', () => {
  it('starts empty with zero totals and keeps its id', async () => {
    const learner = await registerLearner(t.api);
    const first = await t.api.get('/cart/', { token: learner.access });
    assert.equal(first.status, 200);
    assert.deepEqual(
      { ...first.body, id: undefined, updated_at: undefined },
      {
        id: undefined,
        items: [],
        total_items: 0,
        total_price: 0,
        total_original_price: 0,
        total_discount: 0,
        coupon_discount: 0,
        total: 0,
        updated_at: undefined,
      },
    );
    const second = await t.api.get('/cart/', { token: learner.access });
    assert.equal(second.body.id, first.body.id);
    const anonymous = await t.api.get('/cart/');
    assert.equal(anonymous.status, 401);
  });

  it('adds courses at the catalog price and sums the totals in cents', async () => {
    const learner = await registerLearner(t.api);
    // 0.10 + 0.20 + 89.99 in floats is 90.28999999999999; in cents it is 9029.
    const a = await insertCourse(t.db, { title: 'Ten cents', priceCents: 10 });
    const b = await insertCourse(t.db, { title: 'Twenty cents', priceCents: 20, originalPriceCents: 50 });
    const c = await insertCourse(t.db, { title: 'Complete Web Development Bootcamp 2026', priceCents: 8999, originalPriceCents: 12999 });
    const added = await t.api.post('/cart/items/', { course_id: c.id }, { token: learner.access });
    assert.equal(added.status, 201);
    assert.equal(added.body.course.id, c.id);
    assert.equal(added.body.course.price, 89.99);
    assert.equal(added.body.course.original_price, 129.99);
    for (const course of [a, b])
      assert.equal((await t.api.post('/cart/items/', { course_id: course.id }, { token: learner.access })).status, 201);
    const cart = await t.api.get('/cart/', { token: learner.access });
    assert.deepEqual(
      cart.body.items.map((i: any) => i.course.title),
      ['Complete Web Development Bootcamp 2026', 'Ten cents', 'Twenty cents'],
    );
    assert.equal(cart.body.total_items, 3);
    assert.equal(cart.body.total_price, 90.29);
    assert.equal(cart.body.total_original_price, 130.59);
    assert.equal(cart.body.total_discount, 40.3);
    assert.equal(cart.body.items[0].id, added.body.id);
  });

  it("refuses a client price, a duplicate, an unknown, an unpublished, a free, an owned and one's own course", async () => {
    const learner = await registerLearner(t.api);
    const course = await insertCourse(t.db, { priceCents: 1999 });
    const priced = await t.api.post('/cart/items/', { course_id: course.id, price: 0.01 }, { token: learner.access });
    assert.equal(priced.status, 422);
    assert.deepEqual(priced.body.error.details, { price: ['This field is not allowed.'] });
    assert.equal((await t.api.post('/cart/items/', { course_id: course.id }, { token: learner.access })).status, 201);
    const duplicate = await t.api.post('/cart/items/', { course_id: course.id }, { token: learner.access });
    assert.equal(duplicate.status, 409);
    assert.deepEqual(duplicate.body.error, { code: 'ITEM_ALREADY_IN_CART', message: 'This course is already in your cart', status: 409 });

    const unknown = await t.api.post('/cart/items/', { course_id: '00000000-0000-4000-8000-000000000000' }, { token: learner.access });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'COURSE_NOT_FOUND');
    const draft = await insertCourse(t.db, { published: false });
    assert.equal(
      (await t.api.post('/cart/items/', { course_id: draft.id }, { token: learner.access })).body.error.code,
      'COURSE_NOT_FOUND',
    );

    const free = await insertCourse(t.db, { priceCents: 0 });
    const freeRes = await t.api.post('/cart/items/', { course_id: free.id }, { token: learner.access });
    assert.equal(freeRes.status, 422);
    assert.deepEqual(freeRes.body.error.details, { course_id: ['This course is free; enroll in it directly.'] });

    const owned = await insertCourse(t.db, { priceCents: 2999 });
    await insertEnrollment(t.db, learner.id, owned);
    const ownedRes = await t.api.post('/cart/items/', { course_id: owned.id }, { token: learner.access });
    assert.equal(ownedRes.status, 409);
    assert.equal(ownedRes.body.error.code, 'ALREADY_ENROLLED');
    // A refunded purchase can be bought again.
    await t.db('enrollments').where({ user_id: learner.id, course_id: owned.id }).update({ status: 'refunded' });
    assert.equal((await t.api.post('/cart/items/', { course_id: owned.id }, { token: learner.access })).status, 201);

    const instructor = await registerInstructor(t.api);
    const mine = await insertCourse(t.db, { instructorId: instructor.id, priceCents: 4999 });
    const own = await t.api.post('/cart/items/', { course_id: mine.id }, { token: instructor.access });
    assert.equal(own.status, 422);
    assert.equal(own.body.error.code, 'CANNOT_BUY_OWN_COURSE');
  });

  it('leaves unpublished courses out of the items and the totals', async () => {
    const learner = await registerLearner(t.api);
    const kept = await insertCourse(t.db, { priceCents: 1000 });
    const hidden = await insertCourse(t.db, { priceCents: 2000 });
    for (const c of [kept, hidden]) await t.api.post('/cart/items/', { course_id: c.id }, { token: learner.access });
    await t.db('courses').where({ id: hidden.id }).update({ is_published: false });
    const cart = await t.api.get('/cart/', { token: learner.access });
    assert.deepEqual(
      cart.body.items.map((i: any) => i.course.id),
      [kept.id],
    );
    assert.equal(cart.body.total_price, 10);
  });

  it('gives one 201 and 409s to concurrent adds of one course', async () => {
    const learner = await registerLearner(t.api);
    const course = await insertCourse(t.db, { priceCents: 1999 });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.api.post('/cart/items/', { course_id: course.id }, { token: learner.access })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [201, ...Array(19).fill(409)]);
    const cart = await t.api.get('/cart/', { token: learner.access });
    assert.equal(cart.body.total_items, 1);
  });

  it("removes an item of one's own cart only, and clears idempotently", async () => {
    const owner = await registerLearner(t.api);
    const other = await registerLearner(t.api);
    const course = await insertCourse(t.db, { priceCents: 1999 });
    const item = await t.api.post('/cart/items/', { course_id: course.id }, { token: owner.access });
    const foreign = await t.api.delete(`/cart/items/${item.body.id}/`, { token: other.access });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'CART_ITEM_NOT_FOUND');
    assert.equal((await t.api.delete('/cart/items/not-a-uuid/', { token: owner.access })).status, 404);
    assert.equal((await t.api.delete(`/cart/items/${item.body.id}/`, { token: owner.access })).status, 204);
    assert.equal((await t.api.delete(`/cart/items/${item.body.id}/`, { token: owner.access })).status, 404);

    await t.api.post('/cart/items/', { course_id: course.id }, { token: owner.access });
    assert.equal((await t.api.delete('/cart/', { token: owner.access })).status, 204);
    assert.equal((await t.api.delete('/cart/', { token: owner.access })).status, 204);
    assert.equal((await t.api.get('/cart/', { token: owner.access })).body.total_items, 0);
  });
});

describe('wishlist', () => {
  it('saves published courses, free or paid, newest first, once each', async () => {
    const learner = await registerLearner(t.api);
    const paid = await insertCourse(t.db, {
      title: 'React & Next.js - The Complete Guide',
      priceCents: 8999,
      originalPriceCents: 12999,
      level: 'Intermediate',
    });
    const free = await insertCourse(t.db, { priceCents: 0 });
    const first = await t.api.post('/wishlist/items/', { course_id: paid.id }, { token: learner.access });
    assert.equal(first.status, 201);
    assert.equal(first.body.course.slug, paid.slug);
    assert.equal(first.body.course.price, 89.99);
    assert.equal(first.body.course.level, 'Intermediate');
    assert.equal(first.body.course.rating, 0);
    assert.equal((await t.api.post('/wishlist/items/', { course_id: free.id }, { token: learner.access })).status, 201);
    const dup = await t.api.post('/wishlist/items/', { course_id: paid.id }, { token: learner.access });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'ITEM_ALREADY_IN_WISHLIST');
    const draft = await insertCourse(t.db, { published: false });
    assert.equal((await t.api.post('/wishlist/items/', { course_id: draft.id }, { token: learner.access })).status, 404);

    const list = await t.api.get('/wishlist/', { token: learner.access });
    assert.equal(list.status, 200);
    assert.equal(list.body.count, 2);
    assert.deepEqual(list.body.results.map((r: any) => r.course.id).sort(), [free.id, paid.id].sort());
    assert.ok(list.body.results[0].added_at >= list.body.results[1].added_at);
  });

  it("removes only one's own items", async () => {
    const owner = await registerLearner(t.api);
    const other = await registerLearner(t.api);
    const course = await insertCourse(t.db);
    const item = await t.api.post('/wishlist/items/', { course_id: course.id }, { token: owner.access });
    const foreign = await t.api.delete(`/wishlist/items/${item.body.id}/`, { token: other.access });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'WISHLIST_ITEM_NOT_FOUND');
    assert.equal((await t.api.delete(`/wishlist/items/${item.body.id}/`, { token: owner.access })).status, 204);
    assert.equal((await t.api.get('/wishlist/', { token: owner.access })).body.count, 0);
  });

  it('moves an item to the cart in one step, and leaves it where it was when the cart refuses it', async () => {
    const learner = await registerLearner(t.api);
    const other = await registerLearner(t.api);
    const course = await insertCourse(t.db, { priceCents: 5999 });
    const item = await t.api.post('/wishlist/items/', { course_id: course.id }, { token: learner.access });
    assert.equal(
      (await t.api.post(`/wishlist/items/${item.body.id}/move-to-cart/`, undefined, { token: other.access })).body.error.code,
      'WISHLIST_ITEM_NOT_FOUND',
    );
    const moved = await t.api.post(`/wishlist/items/${item.body.id}/move-to-cart/`, undefined, { token: learner.access });
    assert.equal(moved.status, 201);
    assert.equal(moved.body.course.id, course.id);
    assert.equal((await t.api.get('/wishlist/', { token: learner.access })).body.count, 0);
    assert.equal((await t.api.get('/cart/', { token: learner.access })).body.total_items, 1);

    // Saved again while already in the cart: the move is refused and the item stays saved.
    const again = await t.api.post('/wishlist/items/', { course_id: course.id }, { token: learner.access });
    const refused = await t.api.post(`/wishlist/items/${again.body.id}/move-to-cart/`, undefined, { token: learner.access });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'ITEM_ALREADY_IN_CART');
    assert.equal((await t.api.get('/wishlist/', { token: learner.access })).body.count, 1);

    const free = await insertCourse(t.db, { priceCents: 0 });
    const freeItem = await t.api.post('/wishlist/items/', { course_id: free.id }, { token: learner.access });
    const freeMove = await t.api.post(`/wishlist/items/${freeItem.body.id}/move-to-cart/`, undefined, { token: learner.access });
    assert.equal(freeMove.status, 422);
    assert.equal((await t.api.get('/wishlist/', { token: learner.access })).body.count, 2);
  });
});
