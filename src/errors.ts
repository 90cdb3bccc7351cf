/**
 * The error codes of the API and their one HTTP status each. The contract lists the same table in
 * ErrorCode's `x-status`; test/contract/error-codes.test.ts fails when the two drift.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  WEBHOOK_SIGNATURE_INVALID: 400,
  AUTHENTICATION_REQUIRED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  INVALID_CREDENTIALS: 401,
  PAYMENT_REQUIRED: 402,
  PERMISSION_DENIED: 403,
  NOT_ENROLLED: 403,
  NOT_FOUND: 404,
  PAGE_NOT_FOUND: 404,
  COURSE_NOT_FOUND: 404,
  SECTION_NOT_FOUND: 404,
  LESSON_NOT_FOUND: 404,
  REVIEW_NOT_FOUND: 404,
  CART_ITEM_NOT_FOUND: 404,
  WISHLIST_ITEM_NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  PAYMENT_NOT_FOUND: 404,
  ENROLLMENT_NOT_FOUND: 404,
  CERTIFICATE_NOT_FOUND: 404,
  RECEIPT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EMAIL_ALREADY_REGISTERED: 409,
  ALREADY_INSTRUCTOR: 409,
  SLUG_ALREADY_EXISTS: 409,
  ITEM_ALREADY_IN_CART: 409,
  ITEM_ALREADY_IN_WISHLIST: 409,
  ALREADY_ENROLLED: 409,
  REVIEW_ALREADY_EXISTS: 409,
  ORDER_NOT_PENDING: 409,
  RECEIPT_NOT_READY: 409,
  CERTIFICATE_NOT_READY: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VALIDATION_ERROR: 422,
  CURRICULUM_LIMIT_REACHED: 422,
  CART_EMPTY: 422,
  COURSE_INCOMPLETE: 422,
  CANNOT_BUY_OWN_COURSE: 422,
  PAYMENT_NOT_SUCCEEDED: 422,
  PAYMENT_MISMATCH: 422,
  REFUND_NOT_ALLOWED: 422,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  PAYMENT_PROVIDER_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorDetails = Record<string, string[]>;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; status: number; details?: ErrorDetails; retry_after?: number };
}

/** A failure the client caused or may see; anything else becomes 500 INTERNAL_ERROR. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }

  toBody(): ErrorBody {
    const error: ErrorBody['error'] = { code: this.code, message: this.message, status: this.status };
    if (this.details) error.details = this.details;
    if (this.retryAfter !== undefined) error.retry_after = this.retryAfter;
    return { error };
  }
}

/** One field's validation failure, shaped like the guide's VALIDATION_ERROR example. */
export function validationError(details: ErrorDetails, message = 'Invalid input data'): AppError {
  return new AppError('VALIDATION_ERROR', message, details);
}

export const notFound = (code: ErrorCode, message: string): AppError => new AppError(code, message);
