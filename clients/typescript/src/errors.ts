import type { components } from './schema';

/** The API's one error envelope, `{"error": {"code", "message", "status", "details"?, "retry_after"?}}`. */
export type ErrorEnvelope = components['schemas']['Error'];
export type ErrorCode = components['schemas']['ErrorCode'];

export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  const error = (value as { error?: { code?: unknown; status?: unknown } } | null | undefined)?.error;
  return typeof error?.code === 'string' && typeof error.status === 'number';
}

/** Thrown by `unwrap` and the pagination helpers: the envelope, typed, with the HTTP status. */
export class LearnFlowError extends Error {
  readonly code: ErrorCode | 'NETWORK_OR_UNKNOWN';
  readonly status: number;
  readonly details?: Record<string, string[]>;
  readonly retryAfter?: number;

  constructor(status: number, body: unknown) {
    const envelope = isErrorEnvelope(body) ? body.error : undefined;
    super(envelope?.message ?? `HTTP ${status}`);
    this.name = 'LearnFlowError';
    this.status = status;
    this.code = envelope?.code ?? 'NETWORK_OR_UNKNOWN';
    this.details = envelope?.details;
    this.retryAfter = envelope?.retry_after;
  }
}

/** openapi-fetch's `{ data, error, response }` → the data, or a LearnFlowError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw new LearnFlowError(result.response.status, result.error);
  return result.data as T;
}
