import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createApp } from '../../src/app';
import { insertCourse } from '../support/factories/catalog';
import {
  deliverWebhook,
  orderCourses,
  payAtStripe,
  paymentIntentFor,
  purchase,
  signedWebhook,
  stripeEvent,
} from '../support/factories/commerce';
import { eventually, useTestServer } from '../support/harness';
import { registerInstructor, registerLearner, type TestUser } from '../support/users';
import { contractOperations } from './operations';

/**
 * OWASP API Security Top 10 (2023), API6 to API10, over one server with its own Stripe test server.
 */
let learner: TestUser;
let instructor: TestUser;
const t = useTestServer({ stripe: true }, async () => {
  [learner, instructor] = await Promise.all([registerLearner(t.api), registerInstructor(t.api)]);
});

const enrolled = async (userId: string, courseId: string): Promise<number> =>
  (await t.db('enrollments').where({ user_id: userId, course_id: courseId })).length;
const orderStatus = async (id: string): Promise<string> => (await t.db('orders').where({ id }).first()).status;

// API6: the flows worth abusing are getting a paid course without paying and getting money back twice.
describe('API6:2023 Unrestricted Access to Sensitive Business Flows', () => {
  it('never enrolls in a paid course without a payment', async () => {
    const course = await insertCourse(t.db, { priceCents: 4999 });
    const enroll = await t.api.post(`/courses/${course.id}/enroll/`, undefined, { token: learner.access });
    assert.equal(enroll.status, 402);
    assert.equal(enroll.body.error.code, 'PAYMENT_REQUIRED');
    const order = await orderCourses(t, learner, [course.id]);
    const intent = await paymentIntentFor(t, learner, order.id);
    const confirm = await t.api.post(
      '/payments/confirm-payment/',
      { order_id: order.id, payment_intent_id: intent.payment_intent_id },
      { token: learner.access },
    );
    assert.equal(confirm.status, 422, 'an intent nobody paid confirms nothing');
    assert.equal(confirm.body.error.code, 'PAYMENT_NOT_SUCCEEDED');
    assert.equal(await enrolled(learner.id, course.id), 0);
    assert.equal(await orderStatus(order.id), 'pending');
  });

  it("refuses a payment intent of another order, even the caller's own paid one", async () => {
    const [a, b] = await Promise.all([insertCourse(t.db, { priceCents: 500 }), insertCourse(t.db, { priceCents: 90000 })]);
    const cheap = await orderCourses(t, learner, [a.id]);
    const cheapIntent = await paymentIntentFor(t, learner, cheap.id);
    await payAtStripe(t, cheapIntent.payment_intent_id);
    // The test Stripe server's webhook fulfils the cheap order in the background; wait for it, or it would land
    // while the dear order is created from a cart that still holds the cheap course.
    await eventually(async () => (await enrolled(learner.id, a.id)) === 1, 10_000, 'the cheap order fulfilled');
    const dear = await orderCourses(t, learner, [b.id]);
    const res = await t.api.post(
      '/payments/confirm-payment/',
      { order_id: dear.id, payment_intent_id: cheapIntent.payment_intent_id },
      { token: learner.access },
    );
    assert.ok([404, 422].includes(res.status), `${res.status}`);
    assert.equal(await enrolled(learner.id, b.id), 0);
  });

  it('refuses to sell instructors their own course, and refunds an order once', async () => {
    const own = await insertCourse(t.db, { instructorId: instructor.id });
    const add = await t.api.post('/cart/items/', { course_id: own.id }, { token: instructor.access });
    assert.equal(add.status, 422);
    assert.equal(add.body.error.code, 'CANNOT_BUY_OWN_COURSE');

    const course = await insertCourse(t.db);
    const orderId = await purchase(t, learner, [course.id]);
    assert.equal((await t.api.post(`/orders/${orderId}/refund/`, {}, { token: learner.access })).status, 200);
    const again = await t.api.post(`/orders/${orderId}/refund/`, {}, { token: learner.access });
    assert.ok(again.status === 409 || again.status === 422, `second refund: ${again.status}`);
    assert.equal((await t.db('refunds').where({ order_id: orderId })).length, 1);
  });
});

// API7: the server stores URLs that clients give it (thumbnails, videos, resources) but must never fetch them.
describe('API7:2023 Server Side Request Forgery', () => {
  it('never requests a URL a client stored, however the course is used', async () => {
    const hits: string[] = [];
    const trap = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/internal`;
    try {
      const course = await insertCourse(t.db, { instructorId: instructor.id, published: false });
      const token = instructor.access;
      assert.equal(
        (await t.api.patch(`/courses/${course.id}/`, { thumbnail: `${url}/thumb.jpg`, preview_video_url: `${url}/preview.mp4` }, { token }))
          .status,
        200,
      );
      assert.equal(
        (
          await t.api.patch(
            `/courses/${course.id}/lessons/${course.lessonIds[0]}/`,
            { video_url: `${url}/v.mp4`, resources: [`${url}/r.pdf`] },
            { token },
          )
        ).status,
        200,
      );
      assert.equal((await t.api.post(`/courses/${course.id}/publish/`, undefined, { token })).status, 200);
      for (const path of [`/courses/${course.id}/`, '/courses/'] as const)
        assert.equal((await t.api.get(path, { token: learner.access })).status, 200);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(hits, []);
    } finally {
      await new Promise((r) => trap.close(r));
    }
  });

  it('refuses javascript:, data: and vbscript: URLs in every URL field', async () => {
    const course = await insertCourse(t.db, { instructorId: instructor.id, published: false });
    const token = instructor.access;
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)']) {
      for (const [path, body] of [
        [`/courses/${course.id}/`, { thumbnail: bad }],
        [`/courses/${course.id}/`, { preview_video_url: bad }],
        [`/courses/${course.id}/lessons/${course.lessonIds[0]}/`, { video_url: bad }],
        [`/courses/${course.id}/lessons/${course.lessonIds[0]}/`, { resources: [bad] }],
      ] as const) {
        const res = await t.api.patch(path, body, { token });
        assert.equal(res.status, 422, `${bad} in ${JSON.stringify(body)}: ${res.status}`);
      }
    }
  });
});

const STACK = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|Error: /;

// API8: the defaults an attacker probes first: headers, CORS, error bodies, parsers.
describe('API8:2023 Security Misconfiguration', () => {
  it('sends the security headers and no framework banner', async () => {
    const res = await t.api.get('/courses/');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('x-frame-options') || /frame-ancestors/.test(res.headers.get('content-security-policy') ?? ''));
    assert.ok(res.headers.get('content-security-policy'));
    assert.ok(res.headers.get('strict-transport-security'));
    assert.ok(res.headers.get('referrer-policy'));
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  it('answers CORS for any origin without ever allowing credentials (tokens travel in a header, not cookies)', async () => {
    const preflight = await t.api.request('OPTIONS', '/cart/', {
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
      unchecked: true,
    });
    assert.ok(preflight.status === 204 || preflight.status === 200, `${preflight.status}`);
    assert.notEqual(preflight.headers.get('access-control-allow-credentials'), 'true');
    const res = await t.api.get('/auth/me/', { token: learner.access, headers: { origin: 'https://evil.example' } });
    assert.notEqual(res.headers.get('access-control-allow-credentials'), 'true');
  });

  it('never returns a stack trace or an internal message in an error', async () => {
    const answers = [
      await t.api.request('POST', '/auth/login/', { rawBody: '{"email": ', headers: { 'content-type': 'application/json' } }),
      await t.api.request('POST', '/auth/login/', { rawBody: '{"email": "\\ud800"}', headers: { 'content-type': 'application/json' } }),
      await t.api.get('/courses/', { query: { page: 'abc', min_price: '1e400' } }),
      await t.api.get('/orders/not-a-uuid/', { token: learner.access }),
      await t.api.request('POST', '/auth/login/', { rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ];
    for (const res of answers) {
      assert.ok(res.status >= 400 && res.status < 500, `${res.status}`);
      assert.doesNotMatch(JSON.stringify(res.body), STACK);
    }
  });

  it('answers a body that claims gzip but is not with 400 in the envelope', async () => {
    const res = await t.api.request('POST', '/auth/login/', {
      rawBody: '{"email":"a@example.com","password":"x"}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'BAD_REQUEST');
  });
});

// API9: what is served is exactly what is documented: no route outside the contract, no forgotten version.
describe('API9:2023 Improper Inventory Management', () => {
  it('registers no express route of its own but the reference page and the staff login: every API request is routed by the contract', () => {
    type Layer = { route?: { path: string }; handle?: { stack?: Layer[] } };
    const app = createApp(t.deps) as unknown as { router: { stack: Layer[] } };
    const routes = (stack: Layer[]): string[] =>
      stack.flatMap((layer) => (layer.route ? [layer.route.path] : routes(layer.handle?.stack ?? [])));
    // /admin/login (GET form, POST sign-in) and the staff-only /admin/queues mount (src/admin/) sit outside /api/v1.
    assert.deepEqual(routes(app.router.stack), ['/admin/login', '/admin/login', '/api/docs', '/api/docs/', '/api/docs/assets/:file']);
  });

  it('answers 404 in the envelope for undocumented paths and versions, and 405 for undocumented methods', async () => {
    for (const path of ['/admin/', '/users/', '/api/', '/swagger.json', '/openapi.yml', '/debug/', '/metrics', '/courses', '/auth/me']) {
      const res = await t.api.request('GET', path, { token: learner.access, unchecked: true });
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error.code, 'NOT_FOUND', path);
    }
    const v2 = await new (t.api.constructor as typeof import('../support/client').ApiClient)(t.baseUrl, '/api/v2').get('/courses/', {
      unchecked: true,
    });
    assert.equal(v2.status, 404);
    for (const [method, path] of [
      ['PUT', '/courses/'],
      ['DELETE', '/auth/me/'],
      ['PATCH', '/orders/'],
    ] as const) {
      const res = await t.api.request(method, path, { token: learner.access, unchecked: true });
      assert.equal(res.status, 405, `${method} ${path}`);
    }
  });

  it('implements every documented operation (nothing left answering 501)', async () => {
    const { handlers } = await import('../../src/api/handlers');
    assert.deepEqual(
      contractOperations()
        .map((op) => op.operationId)
        .filter((id) => !(id in handlers)),
      [],
    );
    assert.ok(contractOperations().length >= 60);
  });
});

// API10: Stripe is the API this one consumes; nothing it is said to have sent is believed without proof.
describe('API10:2023 Unsafe Consumption of APIs', () => {
  it('refuses webhook events without a valid, fresh signature over the exact bytes', async () => {
    const course = await insertCourse(t.db);
    const order = await orderCourses(t, learner, [course.id]);
    const intent = await paymentIntentFor(t, learner, order.id);
    // Only this test's deliveries may reach the API: the test Stripe server's own webhook would fulfil the order
    // in the background and race the "still pending" check below.
    t.stripe!.deliverWebhooks = false;
    try {
      await payAtStripe(t, intent.payment_intent_id);
    } finally {
      t.stripe!.deliverWebhooks = true;
    }
    const event = stripeEvent(t, 'payment_intent.succeeded', intent.payment_intent_id);
    const attempts = [
      await t.api.post('/payments/webhook/', event),
      await deliverWebhook(t, event, { secret: 'whsec_guessed' }),
      await deliverWebhook(t, event, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      await t.api.post('/payments/webhook/', undefined, {
        rawBody: JSON.stringify({ ...(event as object), id: 'evt_other' }),
        headers: signedWebhook(t, event).headers,
      }),
    ];
    for (const res of attempts) {
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'WEBHOOK_SIGNATURE_INVALID');
    }
    assert.equal(await orderStatus(order.id), 'pending');
    assert.equal((await deliverWebhook(t, event)).status, 200, 'the genuine event (control)');
    assert.equal(await orderStatus(order.id), 'completed');
  });

  it('fulfils only what Stripe confirms: a signed event about an unpaid intent changes nothing', async () => {
    const course = await insertCourse(t.db);
    const order = await orderCourses(t, learner, [course.id]);
    const intent = await paymentIntentFor(t, learner, order.id);
    const forged = {
      id: `evt_forged_${Date.now()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: {
        object: {
          id: intent.payment_intent_id,
          object: 'payment_intent',
          amount: intent.amount,
          currency: 'usd',
          status: 'succeeded',
          metadata: { order_id: order.id },
        },
      },
    };
    const res = await deliverWebhook(t, forged);
    assert.ok(res.status < 500, `${res.status}`);
    assert.equal(await orderStatus(order.id), 'pending');
    assert.equal(await enrolled(learner.id, course.id), 0);
  });
});
