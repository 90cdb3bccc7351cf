import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertCourse, insertInstructor } from '../support/factories/catalog';
import { BILLING, payAtStripe, paymentIntentFor } from '../support/factories/commerce';
import { enrolledLearner } from '../support/factories/learning';
import { eventually, useTestServer } from '../support/harness';
import { registerLearner } from '../support/users';

const t = useTestServer({ stripe: true, workers: true });

/** The subset fonts a PDF embeds, by PostScript name (pdfkit writes `/BaseFont /ABCDEF+Name`). */
const embeddedFonts = (pdf: Buffer): Set<string> =>
  new Set([...pdf.toString('latin1').matchAll(/\/BaseFont \/[A-Z]{6}\+([\w-]+)/g)].map((m) => m[1] as string));

describe('PDFs print names in any script', () => {
  it('sets a certificate in the fonts of the learner name, the course title and the instructor name', async () => {
    const cases = [
      { first: '小明', last: '王', title: 'ภาษาไทยเบื้องต้น', fonts: ['NotoSansHans-Bold', 'NotoSansThai-Bold'] },
      { first: '민준', last: '김', title: '한국어 기초 — Korean basics', fonts: ['NotoSansKR-Bold', 'DejaVuSans-Bold'] },
      { first: 'राहुल', last: 'शर्मा', title: 'হাতে-কলমে বাংলা', fonts: ['NotoSansDevanagari-Bold', 'NotoSansBengali-Bold'] },
    ];
    for (const c of cases) {
      const instructorId = await insertInstructor(t.db, { first: '太郎', last: '山田' });
      const f = await enrolledLearner(t, {
        first_name: c.first,
        last_name: c.last,
        course: { title: c.title, instructorId, sections: 1, lessonsPerSection: 1 },
      });
      const done = await t.api.post(
        `/enrollments/${f.enrollmentId}/mark-lesson-complete/`,
        { lesson_id: f.course.lessonIds[0] },
        { token: f.user.access },
      );
      assert.equal(done.status, 200);
      assert.equal(done.body.course_completed, true);
      await eventually(
        async () => (await t.api.get(`/enrollments/${f.enrollmentId}/`, { token: f.user.access })).body.certificate_url,
        15_000,
        'the certificate',
      );

      const [cert] = (await t.api.get('/certificates/', { token: f.user.access })).body.results;
      assert.equal(cert.learner_name, `${c.first} ${c.last}`);
      assert.equal(cert.instructor_name, '太郎 山田');
      const pdf = await t.api.get(`/certificates/${cert.id}/download/`, { token: f.user.access });
      assert.equal(pdf.status, 200);
      assert.equal(pdf.headers.get('content-type'), 'application/pdf');
      const fonts = embeddedFonts(pdf.raw);
      for (const font of [...c.fonts, 'NotoSansHans-Regular', 'DejaVuSans'])
        assert.ok(fonts.has(font), `${c.first} ${c.last}: ${font} in ${[...fonts]}`);
    }
  });

  it('sets a receipt in the fonts of the billing name, address and course titles', async () => {
    const learner = await registerLearner(t.api, { first_name: '小明', last_name: '王' });
    const courses = [
      await insertCourse(t.db, { title: '한국어 기초', priceCents: 4999 }),
      await insertCourse(t.db, { title: 'हिन्दी सीखें', priceCents: 2999 }),
    ];
    for (const course of courses)
      assert.equal((await t.api.post('/cart/items/', { course_id: course.id }, { token: learner.access })).status, 201);
    const billing = { ...BILLING, first_name: '小明', last_name: '王', address_line1: 'ถนนสุขุมวิท 12', city: '北京', country: 'CN' };
    const order = await t.api.post('/orders/create-from-cart/', { billing_address: billing }, { token: learner.access });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    const intent = await paymentIntentFor(t, learner, order.body.id);
    await payAtStripe(t, intent.payment_intent_id);
    const confirmed = await t.api.post(
      '/payments/confirm-payment/',
      { order_id: order.body.id, payment_intent_id: intent.payment_intent_id },
      { token: learner.access },
    );
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));

    const pdf = await eventually(
      async () => {
        const res = await t.api.get(`/orders/${order.body.id}/receipt/`, { token: learner.access });
        return res.status === 200 ? res : undefined;
      },
      15_000,
      'the receipt',
    );
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const fonts = embeddedFonts(pdf.raw);
    for (const font of ['NotoSansHans-Regular', 'NotoSansThai-Regular', 'NotoSansKR-Regular', 'NotoSansDevanagari-Regular', 'DejaVuSans']) {
      assert.ok(fonts.has(font), `${font} in ${[...fonts]}`);
    }
  });
});
