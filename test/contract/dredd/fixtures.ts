import { withTransaction } from '../../../src/db/transaction';
import { enqueueJob } from '../../../src/jobs/outbox';
import { issueCertificate } from '../../../src/services/certificates';
import type { TestServer } from '../../support/harness';
import { type CourseFixture, insertCourse, insertEnrollment } from '../../support/factories/catalog';
import { cartItemId, insertOrder, insertWishlistItem, type OrderStatus, payOrder } from '../../support/factories/commerce';
import { applyCouponRow, insertCoupon } from '../../support/factories/coupons';
import { addToCart, completedEnrollment, insertReview, setEnrollmentStatus } from '../../support/factories/learning';
import { registerInstructor, registerLearner, type TestUser } from '../../support/users';

/**
 * The data Dredd's requests act on, created before Dredd starts and handed to the hooks as JSON: users
 * through the API (real tokens), catalog rows through the factories, and the commerce and learning state as
 * the services leave it. Operations that consume what they act on (delete, clear, move, pay, refund) get
 * data of their own, so that the order Dredd runs the transactions in does not matter.
 */
export const USER_NAMES = [
  'learner',
  'instructor',
  'outsider',
  'reviewer',
  'reviewDeleter',
  'cartClearer',
  'orderer',
  'reorderer',
  'enrolledBuyer',
  'payer',
  'confirmer',
  'refunder',
  'refreshUser',
  'logoutUser',
  'passwordUser',
  'candidate',
  'couponer',
  'couponRemover',
] as const;
export type UserName = (typeof USER_NAMES)[number];

export interface Fixtures {
  /** http://127.0.0.1:port/api/v1 of the server under test, for the hooks' setup requests. */
  apiBase: string;
  webhookSecret: string;
  users: Record<UserName, TestUser>;
  categoryId: string;
  courses: {
    /** Published, paid, 2 sections of 2 lessons; learner, reviewer, reviewDeleter and enrolledBuyer are enrolled. */
    main: CourseFixture;
    free: CourseFixture;
    /** Free, and the learner is already enrolled. */
    freeOwned: CourseFixture;
    cartA: CourseFixture;
    cartB: CourseFixture;
    /** In the learner's cart and wishlist. */
    cartC: CourseFixture;
    wish1: CourseFixture;
    wish2: CourseFixture;
    wish3: CourseFixture;
    /** Free, in the learner's wishlist: moving it to the cart is 422. */
    freeWished: CourseFixture;
    /** What the orders are made of. */
    ordered: CourseFixture;
    /** Bought by the learner; its receipt is never queued. */
    unrenderedOrder: CourseFixture;
    completed: CourseFixture;
    completedUnrendered: CourseFixture;
    refunded: CourseFixture;
    /** Unpublished drafts of the instructor. */
    draft: CourseFixture;
    readyDraft: CourseFixture;
    incompleteDraft: CourseFixture;
    toUnpublish: CourseFixture;
    /** Unpublished, 3 sections of 2 lessons, for the section and lesson operations. */
    authoring: CourseFixture;
    /** Published with a single lesson: deleting it is 422 COURSE_INCOMPLETE. */
    solo: CourseFixture;
  };
  enrollments: { learnerMain: string; learnerRefunded: string };
  reviews: { learner: string; deleter: string };
  cartItems: { learnerA: string };
  wishlistItems: { remove: string; move: string; inCart: string; free: string };
  orders: {
    learnerCompleted: string;
    learnerUnrendered: string;
    payer: string;
    confirmer: string;
    confirmerRefunded: string;
    refunder: string;
    refunderCancelled: string;
  };
  paymentIntents: { confirmer: string; confirmerRefunded: string };
  certificates: { rendered: string; renderedCode: string; unrendered: string };
  /** Coupons of courses.main (read, listed) and courses.cartB (edited); codes couponer and couponRemover apply. */
  coupons: { main: string; mainCode: string; editable: string; cartCode: string; removeCode: string };
}

export async function seedContractData(t: TestServer): Promise<Fixtures> {
  const { db } = t;
  const register = (name: string) => registerLearner(t.api, { first_name: name, last_name: 'Dredd' });
  const instructor = await registerInstructor(t.api);
  const users = { instructor } as Record<UserName, TestUser>;
  for (const name of USER_NAMES) if (name !== 'instructor') users[name] = await register(name);

  const course = (opts: Parameters<typeof insertCourse>[1] = {}) => insertCourse(db, { instructorId: instructor.id, ...opts });
  const courses: Fixtures['courses'] = {
    main: await course({ title: 'Complete Web Development Bootcamp' }),
    free: await course({ title: 'Free Git Basics', priceCents: 0 }),
    freeOwned: await course({ priceCents: 0 }),
    cartA: await course(),
    cartB: await course(),
    cartC: await course(),
    wish1: await course(),
    wish2: await course(),
    wish3: await course(),
    freeWished: await course({ priceCents: 0 }),
    ordered: await course({ title: 'UI/UX Design Fundamentals' }),
    unrenderedOrder: await course(),
    completed: await course({ title: 'Python Programming Masterclass' }),
    completedUnrendered: await course(),
    refunded: await course(),
    draft: await course({ published: false }),
    readyDraft: await course({ published: false }),
    incompleteDraft: await course({ published: false, sections: 0 }),
    toUnpublish: await course(),
    authoring: await course({ published: false, sections: 3, lessonsPerSection: 2 }),
    solo: await course({ sections: 1, lessonsPerSection: 1 }),
  };

  const { learner } = users;
  for (const name of ['reviewer', 'reviewDeleter', 'enrolledBuyer'] as const) await insertEnrollment(db, users[name].id, courses.main);
  const learnerMain = await insertEnrollment(db, learner.id, courses.main);
  await insertEnrollment(db, learner.id, courses.freeOwned, 'free');
  const learnerRefunded = await insertEnrollment(db, learner.id, courses.refunded);
  await setEnrollmentStatus(db, learnerRefunded, 'refunded');

  const reviews = {
    learner: await insertReview(db, learner.id, courses.main.id, 5),
    deleter: await insertReview(db, users.reviewDeleter.id, courses.main.id, 4),
  };

  for (const c of [courses.cartA, courses.cartC]) await addToCart(db, learner.id, c.id);
  await addToCart(db, users.cartClearer.id, courses.cartA.id);
  await addToCart(db, users.orderer.id, courses.ordered.id);
  await addToCart(db, users.reorderer.id, courses.ordered.id);
  await addToCart(db, users.enrolledBuyer.id, courses.main.id);
  const wishlistItems = {
    remove: await insertWishlistItem(db, learner.id, courses.wish1.id),
    move: await insertWishlistItem(db, learner.id, courses.wish2.id),
    inCart: await insertWishlistItem(db, learner.id, courses.cartC.id),
    free: await insertWishlistItem(db, learner.id, courses.freeWished.id),
  };

  const paidOrder = async (user: TestUser, c: CourseFixture, status: OrderStatus): Promise<[string, string]> => {
    const orderId = await insertOrder(db, user, c, status);
    return [orderId, await payOrder(t, orderId, user, c)];
  };
  const [learnerCompleted] = await paidOrder(learner, courses.ordered, 'completed');
  // The receipt of learnerUnrendered is never queued: it stays RECEIPT_NOT_READY.
  const [learnerUnrendered] = await paidOrder(learner, courses.unrenderedOrder, 'completed');
  await enqueueJob(db, 'render-receipt', { orderId: learnerCompleted });
  const payer = await insertOrder(db, users.payer, courses.ordered, 'pending');
  const [confirmerOrder, confirmerIntent] = await paidOrder(users.confirmer, courses.ordered, 'pending');
  // Paid, then refunded: confirming it again is 409 ORDER_NOT_PENDING.
  const [confirmerRefunded, confirmerRefundedIntent] = await paidOrder(users.confirmer, courses.cartA, 'refunded');
  const [refunder] = await paidOrder(users.refunder, courses.ordered, 'completed');
  const refunderCancelled = await insertOrder(db, users.refunder, courses.cartA, 'cancelled');

  const completed = await completedEnrollment(db, learner, courses.completed);
  const rendered = await withTransaction(db, (trx) => issueCertificate(trx, completed, new Date()));
  const unrenderedEnrollment = await completedEnrollment(db, learner, courses.completedUnrendered);
  const [unrendered] = await db('certificates')
    .insert({
      enrollment_id: unrenderedEnrollment.id,
      user_id: learner.id,
      course_id: courses.completedUnrendered.id,
      verification_code: 'LF-DRED-DN2T-READ',
      learner_name: 'learner Dredd',
      course_title: 'Not rendered yet',
      instructor_name: 'Ina Structor',
    })
    .returning('id');
  if (!rendered) throw new Error('no certificate issued for the completed course');

  const mainCoupon = await insertCoupon(db, courses.main.id, { code: 'DREDDMAIN' });
  const editable = await insertCoupon(db, courses.main.id, { code: 'DREDDEDIT' });
  const cartCoupon = await insertCoupon(db, courses.cartB.id, { code: 'DREDDCART' });
  const removeCoupon = await insertCoupon(db, courses.cartB.id, { code: 'DREDDREMOVE' });
  await addToCart(db, users.couponer.id, courses.cartB.id);
  await addToCart(db, users.couponRemover.id, courses.cartB.id);
  await applyCouponRow(db, users.couponRemover.id, courses.cartB.id, removeCoupon.id);

  return {
    apiBase: `${t.baseUrl}/api/v1`,
    webhookSecret: t.config.stripe.webhookSecret,
    users,
    categoryId: courses.main.categoryId,
    courses,
    enrollments: { learnerMain, learnerRefunded },
    reviews,
    cartItems: { learnerA: await cartItemId(db, learner.id, courses.cartA.id) },
    wishlistItems,
    orders: { learnerCompleted, learnerUnrendered, payer, confirmer: confirmerOrder, confirmerRefunded, refunder, refunderCancelled },
    paymentIntents: { confirmer: confirmerIntent, confirmerRefunded: confirmerRefundedIntent },
    coupons: {
      main: mainCoupon.id,
      mainCode: mainCoupon.code,
      editable: editable.id,
      cartCode: cartCoupon.code,
      removeCode: removeCoupon.code,
    },
    certificates: { rendered: rendered.id, renderedCode: rendered.verification_code, unrendered: (unrendered as { id: string }).id },
  };
}
