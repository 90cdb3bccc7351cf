/**
 * The error catalogue: each code of the API with its one HTTP status and its default message. The contract lists
 * the same codes and statuses in ErrorCode's enum and `x-status`; test/contract/error-codes.test.ts fails when
 * they drift. A thrower passes a message only when it says more than the default (a name, a limit, a status).
 */
export const ERRORS = {
  BAD_REQUEST: { status: 400, message: 'Malformed JSON in the request body.' },
  WEBHOOK_SIGNATURE_INVALID: { status: 400, message: 'Invalid Stripe signature' },
  AUTHENTICATION_REQUIRED: { status: 401, message: 'Authentication credentials were not provided.' },
  TOKEN_EXPIRED: { status: 401, message: 'Token is invalid or expired' },
  TOKEN_INVALID: { status: 401, message: 'Token is invalid or expired' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid email or password.' },
  PAYMENT_REQUIRED: { status: 402, message: 'This course is not free. Add it to your cart to buy it.' },
  PERMISSION_DENIED: { status: 403, message: 'You do not have permission to perform this action.' },
  NOT_ENROLLED: { status: 403, message: 'You must be enrolled in this course to review it.' },
  NOT_FOUND: { status: 404, message: 'The requested resource does not exist' },
  PAGE_NOT_FOUND: { status: 404, message: 'Invalid page.' },
  COURSE_NOT_FOUND: { status: 404, message: 'The requested course does not exist' },
  SECTION_NOT_FOUND: { status: 404, message: 'The requested section does not exist' },
  LESSON_NOT_FOUND: { status: 404, message: 'The requested lesson does not exist' },
  REVIEW_NOT_FOUND: { status: 404, message: 'The requested review does not exist' },
  CART_ITEM_NOT_FOUND: { status: 404, message: 'This item is not in your cart' },
  WISHLIST_ITEM_NOT_FOUND: { status: 404, message: 'This item is not in your wishlist' },
  ORDER_NOT_FOUND: { status: 404, message: 'The requested order does not exist' },
  PAYMENT_NOT_FOUND: { status: 404, message: 'The payment does not exist' },
  ENROLLMENT_NOT_FOUND: { status: 404, message: 'The requested enrollment does not exist' },
  CERTIFICATE_NOT_FOUND: { status: 404, message: 'The requested certificate does not exist' },
  RECEIPT_NOT_FOUND: { status: 404, message: 'This order has no receipt' },
  COUPON_NOT_FOUND: { status: 404, message: 'The requested coupon does not exist' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This method is not allowed on this resource.' },
  EMAIL_ALREADY_REGISTERED: { status: 409, message: 'A user with this email already exists.' },
  ALREADY_INSTRUCTOR: { status: 409, message: 'You are already an instructor.' },
  SLUG_ALREADY_EXISTS: { status: 409, message: 'A course with this slug already exists.' },
  ITEM_ALREADY_IN_CART: { status: 409, message: 'This course is already in your cart' },
  ITEM_ALREADY_IN_WISHLIST: { status: 409, message: 'This course is already in your wishlist' },
  ALREADY_ENROLLED: { status: 409, message: 'You are already enrolled in this course' },
  REVIEW_ALREADY_EXISTS: { status: 409, message: 'You have already reviewed this course.' },
  COUPON_CODE_EXISTS: { status: 409, message: 'This course already has a coupon with this code.' },
  ORDER_NOT_PENDING: { status: 409, message: 'This order is not awaiting payment' },
  RECEIPT_NOT_READY: { status: 409, message: 'Your receipt is being prepared. Please try again in a few seconds.' },
  CERTIFICATE_NOT_READY: { status: 409, message: 'The certificate is still being generated. Please try again in a few seconds.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content type must be application/json.' },
  VALIDATION_ERROR: { status: 422, message: 'Invalid input data' },
  CURRICULUM_LIMIT_REACHED: { status: 422, message: 'The course curriculum is at its limit.' },
  CART_EMPTY: { status: 422, message: 'Your cart is empty' },
  COURSE_INCOMPLETE: { status: 422, message: 'The course cannot be published until it is complete.' },
  CANNOT_BUY_OWN_COURSE: { status: 422, message: 'You cannot buy your own course' },
  PAYMENT_NOT_SUCCEEDED: { status: 422, message: 'The payment has not succeeded' },
  PAYMENT_MISMATCH: { status: 422, message: 'This payment does not belong to this order' },
  REFUND_NOT_ALLOWED: { status: 422, message: 'This order cannot be refunded' },
  COUPON_INVALID: { status: 422, message: 'This coupon code does not apply to any course in your cart' },
  COUPON_INACTIVE: { status: 422, message: 'This coupon is no longer active' },
  COUPON_NOT_STARTED: { status: 422, message: 'This coupon is not valid yet' },
  COUPON_EXPIRED: { status: 422, message: 'This coupon has expired' },
  COUPON_EXHAUSTED: { status: 422, message: 'This coupon has been used the maximum number of times' },
  RATE_LIMIT_EXCEEDED: { status: 429, message: 'Request rate limit exceeded.' },
  INTERNAL_ERROR: { status: 500, message: 'An unexpected error occurred.' },
  NOT_IMPLEMENTED: { status: 501, message: 'This operation is not implemented yet.' },
  PAYMENT_PROVIDER_ERROR: { status: 502, message: 'The payment provider is unavailable. Please try again later.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** code → status, the shape the contract's `x-status` has. */
export const ERROR_STATUS = Object.fromEntries(Object.entries(ERRORS).map(([code, { status }]) => [code, status])) as {
  readonly [C in keyof typeof ERRORS]: (typeof ERRORS)[C]['status'];
};

export type ErrorCode = keyof typeof ERRORS;
export type ErrorDetails = Record<string, string[]>;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; status: number; details?: ErrorDetails; retry_after?: number };
}

/** A failure the client caused or may see; anything else becomes 500 INTERNAL_ERROR. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
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
export function validationError(details: ErrorDetails, message?: string): AppError {
  return new AppError('VALIDATION_ERROR', message, details);
}
