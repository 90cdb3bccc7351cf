import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse } from '../support/factories/catalog';
import { orderCourses, purchase } from '../support/factories/commerce';
import { eventually, useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';
import { renderReceipt } from '../../src/services/receipts';

const t = useTestServer({ stripe: true, workers: true });

describe('receipts', () => {
  it('are rendered by the worker after payment and downloadable by the owner only', async () => {
    const course = await insertCourse(t.db, { title: 'Ελληνικά για αρχάριους', priceCents: 8999 });
    const learner = await registerLearner(t.api, { first_name: 'Σωκράτης', last_name: 'Παπαδόπουλος' });
    const orderId = await purchase(t, learner, [course.id]);
    const order = (await t.api.get(`/orders/${orderId}/`, { token: learner.access })).body;
    assert.equal(order.receipt_url, `${t.config.publicBaseUrl}/orders/${orderId}/receipt/`);

    const pdf = await eventually(
      async () => {
        const res = await t.api.get(`/orders/${orderId}/receipt/`, { token: learner.access });
        if (res.status === 409) {
          assert.equal(res.body.error.code, 'RECEIPT_NOT_READY');
          assert.equal(res.headers.get('retry-after'), '5');
        }
        return res.status === 200 ? res : undefined;
      },
      15_000,
      'the receipt',
    );
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.equal(pdf.headers.get('content-disposition'), `attachment; filename="LearnFlow-receipt-${order.order_number}.pdf"`);
    assert.equal(pdf.raw.subarray(0, 5).toString(), '%PDF-');
    assert.ok(pdf.raw.length > 1000);

    const other = await registerLearner(t.api);
    const foreign = await t.api.get(`/orders/${orderId}/receipt/`, { token: other.access });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'ORDER_NOT_FOUND');
    assert.equal((await t.api.get(`/orders/${orderId}/receipt/`)).status, 401);

    // Rendering again (a redelivered job) changes nothing.
    const row = await t.db('orders').where({ id: orderId }).first();
    assert.equal(row.receipt_path, `receipts/${orderId}.pdf`);
    assert.equal((await renderReceipt(t.db, t.deps.storage, orderId)).outcome, 'already-rendered');
  });

  it('answers RECEIPT_NOT_READY until the PDF exists, and RECEIPT_NOT_FOUND for an order never paid', async () => {
    const learner = await registerLearner(t.api);
    const pending = await orderCourses(t, learner, [(await insertCourse(t.db, { priceCents: 1000 })).id]);
    const unpaid = await t.api.get(`/orders/${pending.id}/receipt/`, { token: learner.access });
    assert.equal(unpaid.status, 404);
    assert.equal(unpaid.body.error.code, 'RECEIPT_NOT_FOUND');
    assert.equal((await renderReceipt(t.db, t.deps.storage, pending.id)).outcome, 'unpaid');

    const orderId = await purchase(t, learner, [(await insertCourse(t.db, { priceCents: 2000 })).id]);
    await eventually(async () => (await t.db('orders').where({ id: orderId }).first()).receipt_path, 15_000, 'the receipt');
    // As if the worker had not run yet.
    await t.db('orders').where({ id: orderId }).update({ receipt_path: null });
    const notReady = await t.api.get(`/orders/${orderId}/receipt/`, { token: learner.access });
    assert.equal(notReady.status, 409);
    assert.equal(notReady.body.error.code, 'RECEIPT_NOT_READY');
    assert.equal(notReady.headers.get('retry-after'), '5');
    assert.equal((await renderReceipt(t.db, t.deps.storage, orderId)).outcome, 'rendered');
    assert.equal((await t.api.get(`/orders/${orderId}/receipt/`, { token: learner.access })).status, 200);
  });
});
