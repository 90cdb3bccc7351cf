import type * as SentrySdk from '@sentry/node';
import type { Config } from '../config';
import { scrubEvent, scrubValue } from './scrub';

/**
 * Error tracking with the Sentry SDK, on only when SENTRY_DSN is set: an unexpected error in a request (the
 * 500s, src/app.ts) or a job that has used its last attempt (workers/runtime.ts) is reported once, tagged so
 * that it can be found from the request id a client quotes or from the job id (the outbox id). Every event
 * passes scrubEvent first (src/errorTracking/scrub.ts). Without a DSN nothing is initialised and every call
 * here is a no-op.
 */
let Sentry: typeof SentrySdk | undefined;
const reported = new WeakSet<object>();

/**
 * The SDK (with its OpenTelemetry instrumentation, about 700 modules) is required only when a DSN turns it on:
 * without one the API's resident memory stays lower (issue 13's 150 MB ceiling), and every call here is a no-op.
 */
function loadSdk(): typeof SentrySdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@sentry/node') as typeof SentrySdk;
}

export function initErrorTracking(config: Pick<Config, 'env' | 'sentry'>, role: 'api' | 'worker'): void {
  if (Sentry || !config.sentry.dsn) return;
  const sdk = loadSdk();
  Sentry = sdk;
  sdk.init({
    dsn: config.sentry.dsn,
    environment: config.sentry.environment ?? config.env,
    release: config.sentry.release,
    sendDefaultPii: false,
    // Local variables of a failing frame could hold a password or a token: never collected.
    includeLocalVariables: false,
    // Errors only: no performance tracing is sampled (metrics cover latency, src/metrics/).
    tracesSampleRate: undefined,
    initialScope: { tags: { role } },
    integrations: (defaults) => [
      ...defaults.filter((integration) => integration.name !== 'OnUnhandledRejection'),
      // 'strict' keeps Node's own behaviour (the process exits) while still reporting the rejection.
      sdk.onUnhandledRejectionIntegration({ mode: 'strict' }),
    ],
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: (breadcrumb) => scrubValue(breadcrumb) as SentrySdk.Breadcrumb,
  });
}

function capture(err: unknown, tags: Record<string, string | undefined>): void {
  const sdk = Sentry;
  if (!sdk) return;
  // One report per error object, whichever path (request, job, process handler) meets it first.
  if (typeof err === 'object' && err !== null) {
    if (reported.has(err)) return;
    reported.add(err);
  }
  sdk.withScope((scope) => {
    for (const [key, value] of Object.entries(tags)) if (value !== undefined) scope.setTag(key, value);
    sdk.captureException(err);
  });
}

/** A request that ended in a 500: the request id (X-Request-Id) and the contract's operationId as tags. */
export function reportRequestError(err: unknown, request: { requestId: string; operationId: string; method: string }): void {
  capture(err, { request_id: request.requestId, operation_id: request.operationId, method: request.method });
}

/** A job that failed its last attempt (an earlier failure is retried and is not news). */
export function reportJobError(err: unknown, job: { name: string; id?: string; attemptsMade: number }): void {
  capture(err, { job_name: job.name, job_id: job.id, attempts: String(job.attemptsMade) });
}

/** Sends what is queued (at shutdown): at most `timeoutMs`. */
export async function flushErrorTracking(timeoutMs = 2000): Promise<void> {
  if (Sentry) await Sentry.flush(timeoutMs);
}
