import type Stripe from 'stripe';
import type { Config } from '../config';
import { AppError } from '../errors';

/**
 * The SDK (about 150 modules, some 15 MB resident) is required on first use, not at start: most API processes
 * serve mostly catalog reads, and issue 13 holds the API under 150 MB resident.
 */
function sdk(): typeof Stripe {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('stripe') as typeof Stripe;
}

/**
 * The official Stripe SDK, configured once per process (lazily in the API: src/bootstrap.ts). With STRIPE_API_HOST set (development and tests) it
 * talks to the local Stripe test server (stripe-test-server/); with real keys and no host, to Stripe itself.
 */
export function createStripeClient(cfg: Config['stripe']): Stripe {
  const StripeSdk = sdk();
  return new StripeSdk(cfg.secretKey, {
    ...(cfg.host ? { host: cfg.host, port: cfg.port, protocol: cfg.protocol ?? 'http' } : {}),
    // A checkout must not hang for the SDK's default 80 s; retries of POSTs carry an idempotency key.
    timeout: 10_000,
    maxNetworkRetries: 2,
    telemetry: false,
  });
}

/** Any failure to talk to Stripe (network, 5xx, auth, rate limit) becomes 502: nothing was changed, retry later. */
export function providerError(err: unknown, message?: string): AppError {
  if (err instanceof AppError) return err;
  return new AppError('PAYMENT_PROVIDER_ERROR', message);
}

/** True when Stripe answered that the object does not exist (a wrong or foreign id). */
export function isStripeNotFound(err: unknown): boolean {
  return err instanceof sdk().errors.StripeInvalidRequestError && (err.statusCode === 404 || err.code === 'resource_missing');
}

export type { Stripe };
