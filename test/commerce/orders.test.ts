import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse, insertEnrollment } from '../support/factories/catalog';
import { BILLING, countRows, orderCourses } from '../support/factories/commerce';
import { useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';

const t = useTestServer();

const create = (token: string, billing: unknown = BILLING) =>
  t.api.post('/orders/create-from-cart/', { billing_address: billing }, { token });

describe('create-from-cart', () => {
  it('answers CART_EMPTY for an empty cart, or one whose courses were all unpublished', async () => {
    const learner = await registerLearner(t.api);
    const empty = await create(learner.access);
    assert.equal(empty.status, 422);
    assert.deepEqual(empty.body.error, { code: 'CART_EMPTY', message: 'Your cart is empty', status: 422 });
    const course = await insertCourse(t.db, { priceCents: 1000 });
    await t.api.post('/cart/items/', { course_id: course.id }, { token: learner.access });
    await t.db('courses').where({ id: course.id }).update({ is_published: false });
    assert.equal((await create(learner.access)).body.error.code, 'CART_EMPTY');
  });

  it('validates the billing address and refuses totals sent by the client', async () => {
    const learner = await registerLearner(t.api);
    const course = await insertCourse(t.db, { priceCents: 1000 });
    await t.api.post('/cart/items/', { course_id: course.id }, { token: learner.access });
    const bad = await create(learner.access, { ...BILLING, email: 'not-an-email', country: 'usa' });
    assert.equal(bad.status, 422);
    assert.deepEqual(Object.keys(bad.body.error.details).sort(), ['billing_address.country', 'billing_address.email']);
    const missing = await create(learner.access, { first_name: 'John' });
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.body.error.details['billing_address.city'], ['This field is required.']);
    const blank = await create(learner.access, { ...BILLING, city: '   ', country: 'ZZ' });
    assert.equal(blank.status, 422);
    assert.deepEqual(blank.body.error.details, {
      'billing_address.city': ['This field may not be blank.'],
      'billing_address.country': ['Use a two-letter ISO 3166-1 country code, e.g. US.'],
    });
    const smuggled = await t.api.post(
      '/orders/create-from-cart/',
      { billing_address: BILLING, total_amount: 0.01, items: [] },
      { token: learner.access },
    );
    assert.equal(smuggled.status, 422);
    assert.deepEqual(smuggled.body.error.details, { total_amount: ['This field is not allowed.'], items: ['This field is not allowed.'] });
    assert.equal(await countRows(t, 'orders', { user_id: learner.id }), 0);
  });

  it('freezes prices, and returns the same pending order (201, as the first call) while the cart content is the same', async () => {
    const learner = await registerLearner(t.api);
    const course = await insertCourse(t.db, { priceCents: 8999 });
    const order = await orderCourses(t, learner, [course.id]);
    assert.deepEqual(order.billing_address, BILLING);
    assert.equal(order.refund, null);
    const row = await t.db('order_items').where({ order_id: order.id }).first();
    assert.equal(row.price_cents, 8999);

    const { address_line2: _l2, phone: _p, state: _s, ...minimal } = BILLING;
    const repeat = await create(learner.access, { ...minimal, first_name: 'Jane' });
    assert.equal(repeat.status, 201);
    assert.equal(repeat.body.id, order.id);
    assert.deepEqual(repeat.body.billing_address, { ...minimal, first_name: 'Jane', address_line2: null, phone: null, state: null });

    // The catalog price changes: the pending order keeps its price, and a new call is a new order.
    await t.db('courses').where({ id: course.id }).update({ price_cents: 9999 });
    assert.equal((await t.api.get(`/orders/${order.id}/`, { token: learner.access })).body.total_amount, 89.99);
    const repriced = await create(learner.access);
    assert.equal(repriced.status, 201);
    assert.equal(repriced.body.total_amount, 99.99);
    assert.equal((await t.api.get(`/orders/${order.id}/`, { token: learner.access })).body.status, 'cancelled');
  });

  it('makes exactly one order of 20 concurrent calls', async () => {
    const learner = await registerLearner(t.api);
    for (const priceCents of [1999, 2999]) {
      const course = await insertCourse(t.db, { priceCents });
      await t.api.post('/cart/items/', { course_id: course.id }, { token: learner.access });
    }
    const results = await Promise.all(Array.from({ length: 20 }, () => create(learner.access)));
    assert.deepEqual(
      results.map((r) => r.status),
      Array(20).fill(201),
    );
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal(await countRows(t, 'orders', { user_id: learner.id }), 1);
    assert.equal(await countRows(t, 'order_items', { order_id: results[0]?.body.id }), 2);
  });

  it('refuses a cart holding a course the learner already owns', async () => {
    const learner = await registerLearner(t.api);
    const course = await insertCourse(t.db, { title: 'Owned Meanwhile', priceCents: 1000 });
    await t.api.post('/cart/items/', { course_id: course.id }, { token: learner.access });
    await insertEnrollment(t.db, learner.id, course);
    const res = await create(learner.access);
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'ALREADY_ENROLLED');
    assert.match(res.body.error.message, /Owned Meanwhile/);
  });
});

describe('my orders', () => {
  it("lists only the caller's orders, newest first, filtered and paginated", async () => {
    const learner = await registerLearner(t.api);
    const other = await registerLearner(t.api);
    await orderCourses(t, other, [(await insertCourse(t.db, { priceCents: 500 })).id]);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await t.api.delete('/cart/', { token: learner.access });
      ids.push((await orderCourses(t, learner, [(await insertCourse(t.db, { priceCents: 1000 + i })).id])).id);
    }
    // Each new order cancelled the previous pending one.
    const all = await t.api.get('/orders/', { token: learner.access, query: { page_size: 2 } });
    assert.equal(all.status, 200);
    assert.equal(all.body.count, 3);
    assert.equal(all.body.total_pages, 2);
    assert.deepEqual(
      all.body.results.map((o: any) => o.id),
      [ids[2], ids[1]],
    );
    assert.match(all.body.next, /page=2/);
    assert.match(all.body.next, /page_size=2/);
    const page2 = await t.api.get('/orders/', { token: learner.access, query: { page_size: 2, page: 2 } });
    assert.deepEqual(
      page2.body.results.map((o: any) => o.id),
      [ids[0]],
    );
    const pending = await t.api.get('/orders/', { token: learner.access, query: { status: 'pending' } });
    assert.deepEqual(
      pending.body.results.map((o: any) => o.id),
      [ids[2]],
    );
    const cancelled = await t.api.get('/orders/', { token: learner.access, query: { status: 'cancelled' } });
    assert.equal(cancelled.body.count, 2);
    assert.equal((await t.api.get('/orders/', { token: learner.access, query: { status: 'shipped' } })).status, 422);
    assert.equal((await t.api.get('/orders/', { token: learner.access, query: { page: 9 } })).status, 404);
  });

  it("answers ORDER_NOT_FOUND for another user's order, exactly as for an unknown one", async () => {
    const owner = await registerLearner(t.api);
    const other = await registerLearner(t.api);
    const order = await orderCourses(t, owner, [(await insertCourse(t.db, { priceCents: 700 })).id]);
    const foreign = await t.api.get(`/orders/${order.id}/`, { token: other.access });
    const unknown = await t.api.get('/orders/00000000-0000-4000-8000-000000000000/', { token: other.access });
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, unknown.body);
    assert.equal(foreign.body.error.code, 'ORDER_NOT_FOUND');
    assert.equal((await t.api.get(`/orders/${order.id}/`, { token: owner.access })).status, 200);
  });
});
