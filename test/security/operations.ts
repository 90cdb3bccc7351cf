import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BILLING, cartItemId, insertWishlistItem, orderCourses, paymentIntentFor, purchase } from '../support/factories/commerce';
import { type CourseOptions, insertCourse, insertEnrollment, upsertCategory } from '../support/factories/catalog';
import { applyCouponRow, insertCoupon } from '../support/factories/coupons';
import { addToCart, insertReview } from '../support/factories/learning';
import type { TestServer } from '../support/harness';
import { registerInstructor, registerLearner, type TestUser } from '../support/users';

/**
 * The security matrix's view of the contract: every operation, classified by who may call it and on whose
 * objects, with a builder for a fresh target (path ids and body) that its rightful caller can act on.
 * An operation added to the contract without a classification here fails the matrix ("not classified").
 */

export type Role = 'anonymous' | 'learner' | 'otherLearner' | 'instructor' | 'otherInstructor';
export const ROLES: Role[] = ['anonymous', 'learner', 'otherLearner', 'instructor', 'otherInstructor'];

/**
 * - public: anyone, no token needed (catalog, health, the token endpoints, certificate verification);
 * - account: needs a token and acts only on the caller's own account (no foreign id can be named);
 * - learnerOwned: names an object of `learner` (order, enrollment, cart item, review...): only they reach it;
 * - instructorOwned: names a course (or its parts) of `instructor`: only they reach it;
 * - instructorOnly: needs an instructor, acts on their own account (create a course, list taught courses);
 * - signed: the Stripe webhook, authenticated by its signature instead of a token.
 */
export type Kind = 'public' | 'account' | 'learnerOwned' | 'instructorOwned' | 'instructorOnly' | 'signed';

export interface Target {
  params?: Record<string, string>;
  body?: unknown;
}

export interface OperationCase {
  kind: Kind;
  /** A fresh target, built for the rightful caller (the owner, or anyone for public/account operations). */
  target?: (w: World) => Promise<Target>;
  /** What the owner must get: proof that the request itself is right, so the refusals above it mean something. */
  owner?: number[];
  /** Overrides of the kind's expected statuses per role. */
  expect?: Partial<Record<Role, number[]>>;
  /** Roles not run (an action that would change the role itself, such as becoming an instructor). */
  skip?: Role[];
  /** Checked after the wrong roles and before the owner: their attempts changed nothing. */
  intact?: (w: World, target: Target) => Promise<void>;
}

export interface World {
  t: TestServer;
  users: Record<Exclude<Role, 'anonymous'>, TestUser>;
  categoryId: string;
  /** Values that only `learner` may ever see: their email and the ids of their private objects. */
  secrets: Set<string>;
}

export async function buildWorld(t: TestServer): Promise<World> {
  const [learner, otherLearner, instructor, otherInstructor] = await Promise.all([
    registerLearner(t.api),
    registerLearner(t.api),
    registerInstructor(t.api),
    registerInstructor(t.api),
  ]);
  const categoryId = await upsertCategory(t.db, 'Development');
  return { t, users: { learner, otherLearner, instructor, otherInstructor }, categoryId, secrets: new Set([learner.email, learner.id]) };
}

export function tokenOf(w: World, role: Role): string | undefined {
  return role === 'anonymous' ? undefined : w.users[role].access;
}

export interface ContractOperation {
  operationId: string;
  method: string;
  path: string;
}

/** The bundled contract, as the server routes with it. */
export const spec = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../src/generated/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
};

export function contractOperations(): ContractOperation[] {
  const out: ContractOperation[] = [];
  for (const [route, item] of Object.entries(spec.paths as Record<string, Record<string, { operationId?: string }>>)) {
    for (const [method, op] of Object.entries(item))
      if (op.operationId) out.push({ operationId: op.operationId, method: method.toUpperCase(), path: route });
  }
  return out;
}

/** Whether the contract lets the operation be called without a token (`security: []` or a `{}` alternative). */
export function allowsAnonymous(op: ContractOperation): boolean {
  const declared = (spec.paths[op.path]?.[op.method.toLowerCase()] as { security?: object[] } | undefined)?.security;
  const requirements = declared ?? [{ bearerAuth: [] }];
  return requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0);
}

export function fillPath(route: string, params: Record<string, string> = {}): string {
  return route.replace(/\{(\w+)\}/g, (_, name: string) => {
    assert.ok(params[name], `no value for {${name}} in ${route}`);
    return encodeURIComponent(params[name] as string);
  });
}

// --- fixtures: each call makes new rows, so one operation's attempts never depend on another's ----------------

const course = (w: World, opts: CourseOptions = {}) => insertCourse(w.t.db, { instructorId: w.users.instructor.id, ...opts });

async function enrollment(w: World) {
  const c = await course(w);
  const id = await insertEnrollment(w.t.db, w.users.learner.id, c);
  w.secrets.add(id);
  return { course: c, enrollmentId: id };
}

async function pendingOrder(w: World): Promise<string> {
  const c = await course(w);
  const order = await orderCourses(w.t, w.users.learner, [c.id]);
  w.secrets.add(order.id);
  return order.id as string;
}

async function paidOrder(w: World): Promise<string> {
  const c = await course(w);
  const id = await purchase(w.t, w.users.learner, [c.id]);
  w.secrets.add(id);
  return id;
}

async function cartItem(w: World): Promise<string> {
  const c = await course(w);
  await addToCart(w.t.db, w.users.learner.id, c.id);
  const id = await cartItemId(w.t.db, w.users.learner.id, c.id);
  w.secrets.add(id);
  return id;
}

/** A fresh coupon of a fresh course of `instructor`. */
async function coupon(w: World): Promise<Target> {
  const c = await course(w);
  return { params: { coupon_id: (await insertCoupon(w.t.db, c.id)).id } };
}

/** A code applied to a line of the learner's cart. */
async function cartCoupon(w: World): Promise<Target> {
  const c = await course(w);
  await addToCart(w.t.db, w.users.learner.id, c.id);
  const applied = await insertCoupon(w.t.db, c.id);
  await applyCouponRow(w.t.db, w.users.learner.id, c.id, applied.id);
  return { params: { code: applied.code } };
}

async function wishlistItem(w: World): Promise<string> {
  const c = await course(w);
  const id = await insertWishlistItem(w.t.db, w.users.learner.id, c.id);
  w.secrets.add(id);
  return id;
}

async function review(w: World, author = w.users.learner.id): Promise<string> {
  const c = await course(w);
  await insertEnrollment(w.t.db, author, c);
  return insertReview(w.t.db, author, c.id, 4);
}

async function certificate(w: World): Promise<string> {
  const e = await enrollment(w);
  const [row] = await w.t
    .db('certificates')
    .insert({
      enrollment_id: e.enrollmentId,
      user_id: w.users.learner.id,
      course_id: e.course.id,
      verification_code: `LF-${crypto.randomBytes(6).toString('hex').toUpperCase()}`,
      learner_name: 'Test Learner',
      course_title: 'Course',
      instructor_name: 'Ina Structor',
    })
    .returning(['id', 'verification_code']);
  w.secrets.add(row.id);
  return row.id as string;
}

const draft = (w: World) => course(w, { published: false });
const courseParams = async (w: World, c = course(w)) => ({ params: { course_id: (await c).id } });

// --- the classification ---------------------------------------------------------------------------------------

const NOT_INSTRUCTOR = [403];

export const OPERATIONS: Record<string, OperationCase> = {
  getHealth: { kind: 'public' },
  getReadiness: { kind: 'public' },
  getOpenApiJson: { kind: 'public' },
  getOpenApiYaml: { kind: 'public' },
  getApiReference: { kind: 'public' },
  registerUser: {
    kind: 'public',
    target: async () => ({
      body: { email: `m-${crypto.randomUUID()}@example.com`, password: 'SecurePassword123!', first_name: 'M', last_name: 'X' },
    }),
  },
  loginUser: {
    kind: 'public',
    target: async () => ({ body: { email: `nobody-${crypto.randomUUID()}@example.com`, password: 'wrong-password' } }),
  },
  refreshToken: { kind: 'public', target: async () => ({ body: { refresh_token: 'not.a.token' } }) },
  logoutUser: {
    // Logging out with someone else's refresh token must not end their session.
    kind: 'account',
    skip: ['learner'],
    target: async (w) => {
      const login = await w.t.api.post('/auth/login/', { email: w.users.learner.email, password: w.users.learner.password });
      return { body: { refresh_token: login.body.refresh_token } };
    },
    intact: async (w, target) => {
      const refreshed = await w.t.api.post('/auth/refresh/', target.body);
      assert.equal(refreshed.status, 200, "another user's logout revoked the learner's session");
      (target.body as { refresh_token: string }).refresh_token = refreshed.body.refresh_token;
    },
  },
  getCurrentUser: { kind: 'account' },
  updateCurrentUser: { kind: 'account', target: async () => ({ body: { first_name: 'Same' } }) },
  changePassword: {
    kind: 'account',
    target: async () => ({ body: { current_password: 'not-the-password', new_password: 'Whatever123!x' } }),
  },
  becomeInstructor: { kind: 'account', skip: ['learner', 'otherLearner'], target: async () => ({ body: {} }) },
  listCategories: { kind: 'public' },
  listCourses: { kind: 'public' },
  createCourse: {
    kind: 'instructorOnly',
    target: async (w) => ({
      body: {
        title: `Matrix ${crypto.randomUUID()}`,
        short_description: 'A course made by the matrix',
        category_id: w.categoryId,
        level: 'Beginner',
        language: 'English',
        price: 9.99,
      },
    }),
    owner: [201],
  },
  // A draft is its instructor's alone: anyone else, with or without a token, is told it does not exist.
  getCourse: {
    kind: 'instructorOwned',
    target: async (w) => courseParams(w, draft(w)),
    owner: [200],
    expect: { anonymous: [404], learner: [404], otherLearner: [404], otherInstructor: [404] },
  },
  updateCourse: { kind: 'instructorOwned', target: async (w) => ({ ...(await courseParams(w)), body: { price: 0.5 } }), owner: [200] },
  publishCourse: { kind: 'instructorOwned', target: async (w) => courseParams(w, draft(w)), owner: [200] },
  unpublishCourse: { kind: 'instructorOwned', target: async (w) => courseParams(w), owner: [200] },
  createSection: {
    kind: 'instructorOwned',
    target: async (w) => ({ ...(await courseParams(w)), body: { title: 'Matrix section' } }),
    owner: [201],
  },
  updateSection: {
    kind: 'instructorOwned',
    target: async (w) => {
      const c = await course(w);
      return { params: { course_id: c.id, section_id: c.sectionIds[0] as string }, body: { title: 'Renamed' } };
    },
    owner: [200],
  },
  deleteSection: {
    kind: 'instructorOwned',
    target: async (w) => {
      const c = await course(w, { sections: 3 });
      return { params: { course_id: c.id, section_id: c.sectionIds[2] as string } };
    },
    owner: [204],
  },
  createLesson: {
    kind: 'instructorOwned',
    target: async (w) => {
      const c = await course(w);
      return { params: { course_id: c.id, section_id: c.sectionIds[0] as string }, body: { title: 'Matrix lesson', duration_minutes: 5 } };
    },
    owner: [201],
  },
  updateLesson: {
    kind: 'instructorOwned',
    target: async (w) => {
      const c = await course(w);
      return { params: { course_id: c.id, lesson_id: c.lessonIds[0] as string }, body: { duration_minutes: 14 } };
    },
    owner: [200],
  },
  deleteLesson: {
    kind: 'instructorOwned',
    target: async (w) => {
      const c = await course(w, { lessonsPerSection: 3 });
      return { params: { course_id: c.id, lesson_id: c.lessonIds[2] as string } };
    },
    owner: [204],
  },
  listMyTaughtCourses: { kind: 'instructorOnly', owner: [200] },
  listMyCoupons: { kind: 'instructorOnly', owner: [200] },
  createCoupon: {
    kind: 'instructorOwned',
    target: async (w) => ({
      body: {
        course_id: (await course(w)).id,
        code: 'MATRIX10',
        percent_off: 10,
        starts_at: '2026-01-01T00:00:00Z',
        ends_at: '2027-01-01T00:00:00Z',
      },
    }),
    owner: [201],
  },
  getMyCoupon: { kind: 'instructorOwned', target: coupon, owner: [200] },
  updateMyCoupon: { kind: 'instructorOwned', target: async (w) => ({ ...(await coupon(w)), body: { is_active: false } }), owner: [200] },
  listMyCouponRedemptions: { kind: 'instructorOwned', target: coupon, owner: [200] },
  // Insights: an instructor reads their own figures; a course of another instructor is not found (not 403), a
  // learner is refused as on every instructor operation.
  getSalesInsights: { kind: 'instructorOnly', owner: [200] },
  getLearnerInsights: { kind: 'instructorOnly', owner: [200] },
  getReviewInsights: { kind: 'instructorOnly', owner: [200] },
  getCourseEngagement: {
    kind: 'instructorOwned',
    target: async (w) => courseParams(w),
    owner: [200],
    expect: { learner: [403], otherLearner: [403], otherInstructor: [404] },
  },
  listCourseReviews: {
    kind: 'instructorOwned',
    target: async (w) => courseParams(w, draft(w)),
    owner: [200],
    expect: { anonymous: [404], learner: [404], otherLearner: [404], otherInstructor: [404] },
  },
  // Only an enrolled learner reviews; the course's own instructor is not enrolled in it.
  createCourseReview: {
    kind: 'learnerOwned',
    target: async (w) => ({
      params: { course_id: (await enrollment(w)).course.id },
      body: { rating: 5, title: 'Matrix', comment: 'A review from the matrix.' },
    }),
    owner: [201],
    expect: { otherLearner: [403], instructor: [403], otherInstructor: [403] },
  },
  updateReview: {
    kind: 'learnerOwned',
    target: async (w) => ({ params: { review_id: await review(w) }, body: { rating: 1 } }),
    owner: [200],
  },
  deleteReview: { kind: 'learnerOwned', target: async (w) => ({ params: { review_id: await review(w) } }), owner: [204] },
  // Voting is on other people's reviews by design; the author's own vote is refused.
  markReviewHelpful: {
    kind: 'learnerOwned',
    target: async (w) => ({ params: { review_id: await review(w) } }),
    owner: [403],
    expect: { otherLearner: [200], instructor: [200], otherInstructor: [200] },
  },
  unmarkReviewHelpful: {
    kind: 'learnerOwned',
    target: async (w) => ({ params: { review_id: await review(w) } }),
    owner: [403],
    expect: { otherLearner: [200], instructor: [200], otherInstructor: [200] },
  },
  getCart: { kind: 'account' },
  clearCart: {
    kind: 'account',
    skip: ['learner'],
    target: async (w) => ({ params: { item: await cartItem(w) } }),
    intact: async (w, target) =>
      assert.equal(
        (await w.t.db('cart_items').where({ id: target.params?.item })).length,
        1,
        "another user's clearCart emptied the learner's cart",
      ),
  },
  addCartItem: { kind: 'account', target: async (w) => ({ body: { course_id: (await insertCourse(w.t.db)).id } }) },
  removeCartItem: { kind: 'learnerOwned', target: async (w) => ({ params: { item_id: await cartItem(w) } }), owner: [204] },
  applyCartCoupon: { kind: 'account', target: async () => ({ body: { code: 'MATRIXCODE' } }) },
  removeCartCoupon: { kind: 'learnerOwned', target: cartCoupon, owner: [204] },
  listWishlist: { kind: 'account' },
  addWishlistItem: { kind: 'account', target: async (w) => ({ body: { course_id: (await insertCourse(w.t.db)).id } }) },
  removeWishlistItem: { kind: 'learnerOwned', target: async (w) => ({ params: { item_id: await wishlistItem(w) } }), owner: [204] },
  moveWishlistItemToCart: { kind: 'learnerOwned', target: async (w) => ({ params: { item_id: await wishlistItem(w) } }), owner: [201] },
  listOrders: { kind: 'account' },
  createOrderFromCart: {
    kind: 'account',
    target: async (w) => {
      await cartItem(w);
      return { body: { billing_address: BILLING } };
    },
  },
  getOrder: { kind: 'learnerOwned', target: async (w) => ({ params: { order_id: await pendingOrder(w) } }), owner: [200] },
  // Paid orders: the receipt is not rendered yet (no workers here), the refund is within its window.
  downloadOrderReceipt: { kind: 'learnerOwned', target: async (w) => ({ params: { order_id: await paidOrder(w) } }), owner: [409] },
  requestOrderRefund: { kind: 'learnerOwned', target: async (w) => ({ params: { order_id: await paidOrder(w) }, body: {} }), owner: [200] },
  createPaymentIntent: { kind: 'learnerOwned', target: async (w) => ({ body: { order_id: await pendingOrder(w) } }), owner: [201] },
  confirmPayment: {
    kind: 'learnerOwned',
    target: async (w) => {
      const orderId = await pendingOrder(w);
      const intent = await paymentIntentFor(w.t, w.users.learner, orderId);
      return { body: { order_id: orderId, payment_intent_id: intent.payment_intent_id } };
    },
    owner: [422],
  },
  handleStripeWebhook: {
    kind: 'signed',
    target: async () => ({ body: { id: 'evt_x', type: 'payment_intent.succeeded', data: { object: { id: 'pi_x' } } } }),
  },
  enrollInCourse: { kind: 'account', target: async (w) => courseParams(w, insertCourse(w.t.db, { priceCents: 0 })) },
  listEnrollments: { kind: 'account' },
  getEnrollment: {
    kind: 'learnerOwned',
    target: async (w) => ({ params: { enrollment_id: (await enrollment(w)).enrollmentId } }),
    owner: [200],
  },
  markLessonComplete: {
    kind: 'learnerOwned',
    target: async (w) => {
      const e = await enrollment(w);
      return { params: { enrollment_id: e.enrollmentId }, body: { lesson_id: e.course.lessonIds[0] } };
    },
    owner: [200],
  },
  updateLessonProgress: {
    kind: 'learnerOwned',
    target: async (w) => {
      const e = await enrollment(w);
      return {
        params: { enrollment_id: e.enrollmentId },
        body: { lesson_id: e.course.lessonIds[0], position_seconds: 30, seconds_watched: 1 },
      };
    },
    owner: [200],
  },
  listCertificates: { kind: 'account' },
  getCertificate: { kind: 'learnerOwned', target: async (w) => ({ params: { certificate_id: await certificate(w) } }), owner: [200] },
  downloadCertificate: { kind: 'learnerOwned', target: async (w) => ({ params: { certificate_id: await certificate(w) } }), owner: [409] },
  // Public by design: whoever holds the code (printed on the certificate) may check it.
  verifyCertificate: {
    kind: 'public',
    target: async (w) => {
      const id = await certificate(w);
      return { params: { verification_code: (await w.t.db('certificates').where({ id }).first()).verification_code } };
    },
  },
  getDashboardStats: { kind: 'account' },
  getContinueLearning: { kind: 'account' },
  getRecommendations: { kind: 'account' },
  getLearningGoals: { kind: 'account' },
  updateLearningGoals: { kind: 'account', target: async () => ({ body: { target_hours_per_month: 12 } }) },
};

/** The statuses a role may get on an operation of this kind, unless the case overrides them. */
export function expectedFor(kind: Kind, role: Role): number[] | 'any-non-5xx' {
  if (kind === 'public') return 'any-non-5xx';
  if (kind === 'signed') return [400];
  if (role === 'anonymous') return [401];
  switch (kind) {
    case 'account':
      return 'any-non-5xx';
    case 'learnerOwned':
      return [404];
    case 'instructorOwned':
      return role === 'instructor' ? 'any-non-5xx' : [403, 404];
    case 'instructorOnly':
      return role === 'learner' || role === 'otherLearner' ? NOT_INSTRUCTOR : 'any-non-5xx';
  }
}

export const ownerOf = (kind: Kind): Role | undefined =>
  kind === 'learnerOwned' ? 'learner' : kind === 'instructorOwned' || kind === 'instructorOnly' ? 'instructor' : undefined;
