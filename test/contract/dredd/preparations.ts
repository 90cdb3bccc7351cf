import crypto from 'node:crypto';
import type { OperationId } from '../../../src/api/types';
import type { Fixtures, UserName } from './fixtures';

/**
 * How Dredd's request for each operation is made real: whose token, which ids, what body. Dredd builds every
 * request from the contract's examples (example ids, example bodies); the hooks apply the entry of the
 * operation here. `success` prepares every documented 2xx; `statuses` prepares (or skips, with a reason) the
 * error statuses that need more than the defaults of plan.ts (401 without a token, 404 with an unknown id,
 * 400 malformed JSON, 415 wrong content type, 422 an empty body).
 *
 * When you build an operation, check its entry: the ids and users come from fixtures.ts (add data there).
 */
export interface PreparedRequest {
  /** Whose access token goes into Authorization; null or absent: none. */
  as?: UserName | null;
  /** An Authorization header sent as-is (a bad token), instead of `as`. */
  authorization?: string;
  /** Path parameters by name; the others keep Dredd's (example) value. */
  params?: Record<string, string>;
  /** Replaces Dredd's query (built from the parameters' examples) when given. */
  query?: Record<string, string>;
  /** Replaces the example body. */
  body?: unknown;
  /** Merged into the example body (top-level keys). */
  patch?: Record<string, unknown>;
  /** Sent byte for byte instead of a JSON body. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Signs the final body with the webhook secret into Stripe-Signature, as Stripe does. */
  stripeSignature?: boolean;
  /**
   * Runs just before the transaction: `repeat` sends the same request once first (to check an idempotent replay;
   * unused since create-from-cart answers a replay 201 too); `untilReady` waits until the request answers 200 (a PDF a worker renders).
   */
  setup?: 'repeat' | 'untilReady';
}

export type Prepare = (f: Fixtures) => PreparedRequest;
export interface Skip {
  skip: string;
}
export interface Preparation {
  success: Prepare;
  statuses?: Partial<Record<number, Prepare | Skip>>;
}

/** An id that exists nowhere (a valid UUID, so it reaches the lookup). */
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** The window reads: as the instructor, a learner's 403, and a course filter naming no course of theirs (404). */
function insightPreparations(): Record<'getSalesInsights' | 'getLearnerInsights' | 'getReviewInsights', Preparation> {
  const window: Preparation = {
    success: () => ({ as: 'instructor' }),
    statuses: {
      403: () => ({ as: 'outsider' }),
      404: () => ({ as: 'instructor', query: { course_id: UNKNOWN_ID } }),
    },
  };
  return { getSalesInsights: window, getLearnerInsights: window, getReviewInsights: window };
}

export const PREPARATIONS: Record<OperationId, Preparation> = {
  // health
  getHealth: { success: () => ({}) },
  getReadiness: { success: () => ({}) },

  // docs
  getOpenApiJson: { success: () => ({}) },
  getOpenApiYaml: { success: () => ({}) },
  getApiReference: { success: () => ({}) },

  // auth
  registerUser: {
    success: () => ({
      body: { email: `dredd-${crypto.randomUUID()}@example.com`, password: 'SecurePassword123!', first_name: 'John', last_name: 'Doe' },
    }),
    statuses: {
      409: (f) => ({
        body: { email: f.users.learner.email.toUpperCase(), password: 'SecurePassword123!', first_name: 'John', last_name: 'Doe' },
      }),
    },
  },
  loginUser: {
    success: (f) => ({ body: { email: f.users.learner.email, password: f.users.learner.password } }),
    statuses: { 401: (f) => ({ body: { email: f.users.learner.email, password: 'not-the-password' } }) },
  },
  refreshToken: {
    success: (f) => ({ body: { refresh_token: f.users.refreshUser.refresh } }),
    statuses: { 401: () => ({ body: { refresh_token: 'not-a-refresh-token' } }) },
  },
  logoutUser: { success: (f) => ({ as: 'logoutUser', body: { refresh_token: f.users.logoutUser.refresh } }) },
  getCurrentUser: { success: () => ({ as: 'learner' }) },
  updateCurrentUser: { success: () => ({ as: 'learner' }) },
  changePassword: {
    success: (f) => ({ as: 'passwordUser', body: { current_password: f.users.passwordUser.password, new_password: 'EvenMoreSecure456?' } }),
  },
  becomeInstructor: { success: () => ({ as: 'candidate' }), statuses: { 409: () => ({ as: 'instructor' }) } },

  // categories and the catalog
  listCategories: { success: () => ({}) },
  listCourses: { success: () => ({ as: 'learner', query: { category: 'Development', ordering: '-rating', page_size: '5' } }) },
  getCourse: {
    success: (f) => ({ as: 'learner', params: { course_id: f.courses.main.id } }),
  },

  // authoring
  createCourse: {
    success: (f) => ({ as: 'instructor', patch: { category_id: f.categoryId } }),
    statuses: { 403: (f) => ({ as: 'outsider', patch: { category_id: f.categoryId } }) },
  },
  updateCourse: {
    success: (f) => ({ as: 'instructor', params: { course_id: f.courses.draft.id } }),
    statuses: { 403: (f) => ({ as: 'outsider', params: { course_id: f.courses.main.id } }) },
  },
  publishCourse: {
    success: (f) => ({ as: 'instructor', params: { course_id: f.courses.readyDraft.id } }),
    statuses: {
      403: (f) => ({ as: 'outsider', params: { course_id: f.courses.main.id } }),
      422: (f) => ({ as: 'instructor', params: { course_id: f.courses.incompleteDraft.id } }),
    },
  },
  unpublishCourse: {
    success: (f) => ({ as: 'instructor', params: { course_id: f.courses.toUnpublish.id } }),
    statuses: {
      403: (f) => ({ as: 'outsider', params: { course_id: f.courses.main.id } }),
    },
  },
  createSection: {
    success: (f) => ({ as: 'instructor', params: { course_id: f.courses.authoring.id } }),
    statuses: { 403: (f) => ({ as: 'outsider', params: { course_id: f.courses.main.id } }) },
  },
  updateSection: {
    success: (f) => ({ as: 'instructor', params: { course_id: f.courses.authoring.id, section_id: f.courses.authoring.sectionIds[0]! } }),
    statuses: { 403: (f) => ({ as: 'outsider', params: { course_id: f.courses.main.id, section_id: f.courses.main.sectionIds[0]! } }) },
  },
  deleteSection: {
    success: (f) => ({ as: 'instructor', params: { course_id: f.courses.authoring.id, section_id: f.courses.authoring.sectionIds[1]! } }),
    statuses: {
      403: (f) => ({ as: 'outsider', params: { course_id: f.courses.main.id, section_id: f.courses.main.sectionIds[0]! } }),
      422: (f) => ({ as: 'instructor', params: { course_id: f.courses.solo.id, section_id: f.courses.solo.sectionIds[0]! } }),
    },
  },
  createLesson: {
    success: (f) => ({ as: 'instructor', params: { course_id: f.courses.authoring.id, section_id: f.courses.authoring.sectionIds[0]! } }),
    statuses: { 403: (f) => ({ as: 'outsider', params: { course_id: f.courses.main.id, section_id: f.courses.main.sectionIds[0]! } }) },
  },
  updateLesson: {
    // The example moves the lesson to another section of the same course.
    success: (f) => ({
      as: 'instructor',
      params: { course_id: f.courses.authoring.id, lesson_id: f.courses.authoring.lessonIds[4]! },
      patch: { section_id: f.courses.authoring.sectionIds[0] },
    }),
    statuses: {
      403: (f) => ({
        as: 'outsider',
        params: { course_id: f.courses.main.id, lesson_id: f.courses.main.lessonIds[0]! },
        patch: { section_id: f.courses.main.sectionIds[1] },
      }),
      422: (f) => ({
        as: 'instructor',
        params: { course_id: f.courses.authoring.id, lesson_id: f.courses.authoring.lessonIds[4]! },
        patch: { section_id: f.courses.main.sectionIds[0] },
      }),
    },
  },
  deleteLesson: {
    success: (f) => ({ as: 'instructor', params: { course_id: f.courses.authoring.id, lesson_id: f.courses.authoring.lessonIds[5]! } }),
    statuses: {
      403: (f) => ({ as: 'outsider', params: { course_id: f.courses.main.id, lesson_id: f.courses.main.lessonIds[0]! } }),
      422: (f) => ({ as: 'instructor', params: { course_id: f.courses.solo.id, lesson_id: f.courses.solo.lessonIds[0]! } }),
    },
  },
  listMyTaughtCourses: { success: () => ({ as: 'instructor' }), statuses: { 403: () => ({ as: 'outsider' }) } },

  // coupons
  listMyCoupons: { success: () => ({ as: 'instructor', query: {} }), statuses: { 403: () => ({ as: 'outsider', query: {} }) } },
  createCoupon: {
    success: (f) => ({ as: 'instructor', patch: { course_id: f.courses.main.id, code: `DREDD${crypto.randomBytes(4).toString('hex')}` } }),
    statuses: {
      403: () => ({ as: 'outsider' }),
      404: () => ({ as: 'instructor', patch: { course_id: UNKNOWN_ID } }),
      409: (f) => ({ as: 'instructor', patch: { course_id: f.courses.main.id, code: f.coupons.mainCode.toLowerCase() } }),
    },
  },
  getMyCoupon: {
    success: (f) => ({ as: 'instructor', params: { coupon_id: f.coupons.main } }),
    statuses: { 403: (f) => ({ as: 'outsider', params: { coupon_id: f.coupons.main } }) },
  },
  updateMyCoupon: {
    success: (f) => ({ as: 'instructor', params: { coupon_id: f.coupons.editable } }),
    statuses: {
      403: (f) => ({ as: 'outsider', params: { coupon_id: f.coupons.editable } }),
      409: (f) => ({ as: 'instructor', params: { coupon_id: f.coupons.editable }, body: { code: f.coupons.mainCode } }),
    },
  },
  listMyCouponRedemptions: {
    success: (f) => ({ as: 'instructor', params: { coupon_id: f.coupons.main }, query: {} }),
    statuses: { 403: (f) => ({ as: 'outsider', params: { coupon_id: f.coupons.main }, query: {} }) },
  },
  // insights: the instructor's own figures; a learner is refused, another course is not found
  ...insightPreparations(),
  getCourseEngagement: {
    success: (f) => ({ as: 'instructor', params: { course_id: f.courses.main.id } }),
    statuses: { 403: (f) => ({ as: 'outsider', params: { course_id: f.courses.main.id } }) },
  },

  // reviews
  listCourseReviews: { success: (f) => ({ as: 'learner', params: { course_id: f.courses.main.id } }) },
  createCourseReview: {
    success: (f) => ({ as: 'reviewer', params: { course_id: f.courses.main.id } }),
    statuses: {
      403: (f) => ({ as: 'outsider', params: { course_id: f.courses.main.id } }),
      409: (f) => ({ as: 'learner', params: { course_id: f.courses.main.id } }),
    },
  },
  updateReview: { success: (f) => ({ as: 'learner', params: { review_id: f.reviews.learner } }) },
  deleteReview: {
    success: (f) => ({ as: 'reviewDeleter', params: { review_id: f.reviews.deleter } }),
  },
  markReviewHelpful: {
    success: (f) => ({ as: 'outsider', params: { review_id: f.reviews.learner } }),
    statuses: {
      403: (f) => ({ as: 'learner', params: { review_id: f.reviews.learner } }),
    },
  },
  unmarkReviewHelpful: {
    success: (f) => ({ as: 'outsider', params: { review_id: f.reviews.learner } }),
    statuses: {
      403: (f) => ({ as: 'learner', params: { review_id: f.reviews.learner } }),
    },
  },

  // cart and wishlist
  getCart: { success: () => ({ as: 'learner' }) },
  clearCart: { success: () => ({ as: 'cartClearer' }) },
  addCartItem: {
    success: (f) => ({ as: 'learner', body: { course_id: f.courses.cartB.id } }),
    statuses: {
      404: () => ({ as: 'learner', body: { course_id: UNKNOWN_ID } }),
      409: (f) => ({ as: 'learner', body: { course_id: f.courses.cartC.id } }),
    },
  },
  removeCartItem: { success: (f) => ({ as: 'learner', params: { item_id: f.cartItems.learnerA } }) },
  applyCartCoupon: { success: (f) => ({ as: 'couponer', body: { code: f.coupons.cartCode.toLowerCase() } }) },
  removeCartCoupon: { success: (f) => ({ as: 'couponRemover', params: { code: f.coupons.removeCode } }) },
  listWishlist: { success: () => ({ as: 'learner' }) },
  addWishlistItem: {
    success: (f) => ({ as: 'learner', body: { course_id: f.courses.wish3.id } }),
    statuses: {
      404: () => ({ as: 'learner', body: { course_id: UNKNOWN_ID } }),
      409: (f) => ({ as: 'learner', body: { course_id: f.courses.cartC.id } }),
    },
  },
  removeWishlistItem: { success: (f) => ({ as: 'learner', params: { item_id: f.wishlistItems.remove } }) },
  moveWishlistItemToCart: {
    success: (f) => ({ as: 'learner', params: { item_id: f.wishlistItems.move } }),
    statuses: {
      409: (f) => ({ as: 'learner', params: { item_id: f.wishlistItems.inCart } }),
      422: (f) => ({ as: 'learner', params: { item_id: f.wishlistItems.free } }),
    },
  },

  // orders and payments
  listOrders: { success: () => ({ as: 'learner' }) },
  createOrderFromCart: {
    success: () => ({ as: 'orderer' }),
    statuses: {
      409: () => ({ as: 'enrolledBuyer' }),
      422: () => ({ as: 'outsider' }),
    },
  },
  getOrder: { success: (f) => ({ as: 'learner', params: { order_id: f.orders.learnerCompleted } }) },
  downloadOrderReceipt: {
    success: (f) => ({ as: 'learner', params: { order_id: f.orders.learnerCompleted }, setup: 'untilReady' }),
    statuses: { 409: (f) => ({ as: 'learner', params: { order_id: f.orders.learnerUnrendered } }) },
  },
  requestOrderRefund: {
    success: (f) => ({ as: 'refunder', params: { order_id: f.orders.refunder } }),
    statuses: { 422: (f) => ({ as: 'refunder', params: { order_id: f.orders.refunderCancelled } }) },
  },
  createPaymentIntent: {
    success: (f) => ({ as: 'payer', body: { order_id: f.orders.payer } }),
    statuses: {
      404: () => ({ as: 'payer', body: { order_id: UNKNOWN_ID } }),
      409: (f) => ({ as: 'learner', body: { order_id: f.orders.learnerCompleted } }),
    },
  },
  confirmPayment: {
    success: (f) => ({ as: 'confirmer', body: { order_id: f.orders.confirmer, payment_intent_id: f.paymentIntents.confirmer } }),
    statuses: {
      404: (f) => ({ as: 'confirmer', body: { order_id: UNKNOWN_ID, payment_intent_id: f.paymentIntents.confirmer } }),
      409: (f) => ({
        as: 'confirmer',
        body: { order_id: f.orders.confirmerRefunded, payment_intent_id: f.paymentIntents.confirmerRefunded },
      }),
    },
  },
  handleStripeWebhook: {
    success: () => ({ stripeSignature: true }),
    statuses: {
      400: () => ({ headers: { 'Stripe-Signature': 't=1,v1=not-a-signature' } }),
      // The contract is checked before the signature: an undocumented query parameter is refused first.
      422: () => ({ stripeSignature: true, query: { unexpected_parameter: '1' } }),
    },
  },

  // enrollments and learning
  enrollInCourse: {
    success: (f) => ({ as: 'learner', params: { course_id: f.courses.free.id } }),
    statuses: {
      402: (f) => ({ as: 'learner', params: { course_id: f.courses.cartA.id } }),
      409: (f) => ({ as: 'learner', params: { course_id: f.courses.freeOwned.id } }),
      422: (f) => ({ as: 'instructor', params: { course_id: f.courses.free.id } }),
    },
  },
  listEnrollments: { success: () => ({ as: 'learner' }) },
  getEnrollment: { success: (f) => ({ as: 'learner', params: { enrollment_id: f.enrollments.learnerMain } }) },
  markLessonComplete: {
    success: (f) => ({
      as: 'learner',
      params: { enrollment_id: f.enrollments.learnerMain },
      body: { lesson_id: f.courses.main.lessonIds[0] },
    }),
    statuses: {
      403: (f) => ({
        as: 'learner',
        params: { enrollment_id: f.enrollments.learnerRefunded },
        body: { lesson_id: f.courses.refunded.lessonIds[0] },
      }),
    },
  },
  updateLessonProgress: {
    success: (f) => ({
      as: 'learner',
      params: { enrollment_id: f.enrollments.learnerMain },
      body: { lesson_id: f.courses.main.lessonIds[1], position_seconds: 120, seconds_watched: 30 },
    }),
    statuses: {
      403: (f) => ({
        as: 'learner',
        params: { enrollment_id: f.enrollments.learnerRefunded },
        body: { lesson_id: f.courses.refunded.lessonIds[0], position_seconds: 120, seconds_watched: 30 },
      }),
    },
  },

  // certificates
  listCertificates: { success: () => ({ as: 'learner' }) },
  getCertificate: { success: (f) => ({ as: 'learner', params: { certificate_id: f.certificates.rendered } }) },
  downloadCertificate: {
    success: (f) => ({ as: 'learner', params: { certificate_id: f.certificates.rendered }, setup: 'untilReady' }),
    statuses: { 409: (f) => ({ as: 'learner', params: { certificate_id: f.certificates.unrendered } }) },
  },
  verifyCertificate: {
    success: (f) => ({ params: { verification_code: f.certificates.renderedCode } }),
    statuses: { 404: () => ({ params: { verification_code: 'LF-ZZZZ-ZZZZ-ZZZZ' } }) },
  },

  // dashboard
  getDashboardStats: { success: () => ({ as: 'learner' }) },
  getContinueLearning: { success: () => ({ as: 'learner' }) },
  getRecommendations: { success: () => ({ as: 'learner' }), statuses: { 422: () => ({ as: 'learner', query: { limit: '51' } }) } },
  getLearningGoals: { success: () => ({ as: 'learner' }) },
  updateLearningGoals: { success: () => ({ as: 'learner' }) },
};
