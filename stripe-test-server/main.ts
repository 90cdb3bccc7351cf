import { loadConfig } from '../src/config';
import { startStripeTestServer } from './server';

/**
 * Entry of the local Stripe test server (`npm start` runs it when STRIPE_SECRET_KEY is unset). It accepts the
 * API's development keys and sends signed webhook events to the API's webhook endpoint.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const port = Number(process.env.STRIPE_TEST_SERVER_PORT ?? 12111);
  const webhookUrl = process.env.STRIPE_WEBHOOK_URL ?? `http://127.0.0.1:${config.port}/api/v1/payments/webhook/`;
  const server = await startStripeTestServer({
    port,
    host: process.env.STRIPE_TEST_SERVER_HOST ?? '127.0.0.1',
    secretKey: config.stripe.secretKey,
    publishableKey: config.stripe.publishableKey,
    webhookSecret: config.stripe.webhookSecret,
    webhookUrl,
    log: (line) => console.log(`[stripe-test-server] ${line}`),
  });
  console.log(`[stripe-test-server] listening on ${server.url}, sending webhooks to ${webhookUrl}`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
