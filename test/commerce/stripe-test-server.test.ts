import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { decodeForm } from '../../stripe-test-server/form';
import { startStripeTestServer, type StripeTestServer } from '../../stripe-test-server/server';

const KEYS = { secretKey: 'sk_test_unit', publishableKey: 'pk_test_unit', webhookSecret: 'whsec_unit' };

let server: StripeTestServer;
let endpoint: http.Server;
let stripe: Stripe;
const received: Array<{ type: string; verified: boolean }> = [];

before(async () => {
  // A webhook endpoint that verifies each delivery the way the API does.
  endpoint = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      try {
        const event = Stripe.webhooks.constructEvent(raw, req.headers['stripe-signature'] as string, KEYS.webhookSecret);
        received.push({ type: event.type, verified: true });
      } catch {
        received.push({ type: 'unverified', verified: false });
      }
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  server = await startStripeTestServer({ ...KEYS, webhookUrl: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/` });
  stripe = new Stripe(KEYS.secretKey, { host: server.host, port: server.port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 });
});
after(async () => {
  await server.close();
  await new Promise<void>((resolve) => endpoint.close(() => resolve()));
});

describe('the Stripe test server', () => {
  it("decodes Stripe's bracketed form bodies", () => {
    assert.deepEqual(decodeForm('amount=100&metadata%5Border_id%5D=o1&payment_method_types%5B0%5D=card&expand[]=x&__proto__[a]=1'), {
      amount: '100',
      metadata: { order_id: 'o1' },
      payment_method_types: ['card'],
      expand: ['x'],
    });
  });

  it('creates, confirms and refunds a PaymentIntent through the official SDK, and signs each event', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 16998,
      currency: 'usd',
      metadata: { order_id: 'o1' },
      payment_method_types: ['card'],
    });
    assert.equal(intent.status, 'requires_payment_method');
    assert.match(intent.client_secret as string, new RegExp(`^${intent.id}_secret_[A-Za-z0-9]+$`));
    assert.deepEqual(intent.metadata, { order_id: 'o1' });
    const paid = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    assert.equal(paid.status, 'succeeded');
    assert.equal(paid.amount_received, 16998);
    const refund = await stripe.refunds.create({ payment_intent: intent.id });
    assert.equal(refund.amount, 16998);
    await assert.rejects(stripe.refunds.create({ payment_intent: intent.id }), (err: any) => err.code === 'charge_already_refunded');
    await server.webhooks.settled();
    assert.ok(received.every((r) => r.verified));
    assert.deepEqual(
      received.map((r) => r.type).filter((type) => ['payment_intent.succeeded', 'charge.refunded'].includes(type)),
      ['payment_intent.succeeded', 'charge.refunded'],
    );
  });

  it("declines pm_card_chargeDeclined with Stripe's card error and leaves the intent retryable", async () => {
    const intent = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    await assert.rejects(stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' }), (err: any) => {
      assert.equal(err.type, 'StripeCardError');
      assert.equal(err.code, 'card_declined');
      assert.equal(err.raw.payment_intent.status, 'requires_payment_method');
      return true;
    });
    const after = await stripe.paymentIntents.retrieve(intent.id);
    assert.equal(after.last_payment_error?.code, 'card_declined');
    assert.equal((await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' })).status, 'succeeded');
    await assert.rejects(
      stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' }),
      (err: any) => err.code === 'payment_intent_unexpected_state',
    );
  });

  it('replays a request with the same Idempotency-Key and parameters, and refuses the key with others', async () => {
    const first = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' }, { idempotencyKey: 'same-key' });
    const again = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' }, { idempotencyKey: 'same-key' });
    assert.equal(again.id, first.id);
    await assert.rejects(
      stripe.paymentIntents.create({ amount: 701, currency: 'usd' }, { idempotencyKey: 'same-key' }),
      (err: any) => err.type === 'StripeIdempotencyError',
    );
    assert.notEqual((await stripe.paymentIntents.create({ amount: 700, currency: 'usd' })).id, first.id);
  });

  it('authenticates with the secret key (Bearer or Basic); a publishable key only confirms with the client secret', async () => {
    const intent = await stripe.paymentIntents.create({ amount: 900, currency: 'usd' });
    const url = `${server.url}/v1/payment_intents/${intent.id}`;
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer sk_test_wrong' } })).status, 401);
    assert.equal(
      (await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${KEYS.secretKey}:`).toString('base64')}` } })).status,
      200,
    );
    const publishable = { authorization: `Bearer ${KEYS.publishableKey}`, 'content-type': 'application/x-www-form-urlencoded' };
    assert.equal(
      (await fetch(`${server.url}/v1/payment_intents`, { method: 'POST', headers: publishable, body: 'amount=1&currency=usd' })).status,
      401,
    );
    const noSecret = await fetch(`${url}/confirm`, { method: 'POST', headers: publishable, body: 'payment_method=pm_card_visa' });
    assert.equal(noSecret.status, 404);
    const withSecret = await fetch(`${url}/confirm`, {
      method: 'POST',
      headers: publishable,
      body: `payment_method=pm_card_visa&client_secret=${intent.client_secret}`,
    });
    assert.equal(withSecret.status, 200);
    assert.equal(((await withSecret.json()) as { status: string }).status, 'succeeded');
  });
});
