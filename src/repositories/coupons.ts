import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import type { PageRequest } from '../pagination';

/** The columns a coupon is written with (the course is set at creation only). */
export interface CouponFields {
  code: string;
  percent_off: number | null;
  fixed_price_cents: number | null;
  starts_at: Date;
  ends_at: Date;
  max_redemptions: number | null;
  is_active: boolean;
}

export interface CouponRow extends CouponFields {
  id: string;
  course_id: string;
  course_title: string;
  /** Reserved plus redeemed: what max_redemptions limits. */
  uses_count: number;
  redeemed_count: number;
  created_at: Date;
  updated_at: Date;
}

const REDEEMED_COUNT = `(SELECT count(*)::int FROM coupon_redemptions r WHERE r.coupon_id = cp.id AND r.status = 'redeemed')`;

function couponQuery(db: Db): Knex.QueryBuilder {
  return db('coupons as cp')
    .join('courses as c', 'c.id', 'cp.course_id')
    .select('cp.*', 'c.title as course_title', db.raw(`${REDEEMED_COUNT} as redeemed_count`));
}

/** The coupon, only when its course is taught by `instructorId` (another instructor's coupon is not found). */
export function findInstructorCoupon(db: Db, instructorId: string, couponId: string): Promise<CouponRow | undefined> {
  return couponQuery(db).where({ 'cp.id': couponId, 'c.instructor_id': instructorId }).first();
}

export async function listInstructorCoupons(
  db: Db,
  instructorId: string,
  courseId: string | undefined,
  page: PageRequest,
): Promise<{ rows: CouponRow[]; count: number }> {
  const filter = (q: Knex.QueryBuilder): Knex.QueryBuilder => {
    q.where('c.instructor_id', instructorId);
    if (courseId) q.where('cp.course_id', courseId);
    return q;
  };
  const [rows, counted] = await Promise.all([
    filter(couponQuery(db))
      .orderBy([
        { column: 'cp.created_at', order: 'desc' },
        { column: 'cp.id', order: 'desc' },
      ])
      .limit(page.pageSize)
      .offset(page.offset) as Promise<CouponRow[]>,
    filter(db('coupons as cp').join('courses as c', 'c.id', 'cp.course_id')).count({ n: '*' }) as Promise<Array<{ n: number }>>,
  ]);
  return { rows, count: Number(counted[0]?.n ?? 0) };
}

/** Inserts the coupon unless the course has the code already (any case); undefined then. */
export async function insertCoupon(db: Db, courseId: string, fields: CouponFields): Promise<string | undefined> {
  const [row] = (await db('coupons')
    .insert({ course_id: courseId, ...fields })
    .onConflict(db.raw('(course_id, lower(code))'))
    .ignore()
    .returning('id')) as Array<{ id: string }>;
  return row?.id;
}

export async function updateCoupon(db: Db, couponId: string, fields: CouponFields): Promise<void> {
  await db('coupons')
    .where({ id: couponId })
    .update({ ...fields, updated_at: db.fn.now() });
}

/** The coupons of a code (any case) for these courses: the candidates when a learner types a code. */
export function couponsByCode(db: Db, code: string, courseIds: string[]): Promise<CouponRow[]> {
  if (courseIds.length === 0) return Promise.resolve([]);
  return couponQuery(db).whereRaw('lower(cp.code) = lower(?)', [code]).whereIn('cp.course_id', courseIds);
}

/** Puts the coupon on the cart line, replacing the line's previous one. */
export async function setCartLineCoupon(trx: Knex.Transaction, cartItemId: string, couponId: string): Promise<void> {
  await trx('cart_coupons')
    .insert({ cart_item_id: cartItemId, coupon_id: couponId })
    .onConflict('cart_item_id')
    .merge({ coupon_id: couponId, applied_at: trx.fn.now() });
}

/** Takes a code (any case) off the user's cart lines; returns how many lines carried it. */
export function deleteCartCoupons(db: Db, userId: string, code: string): Promise<number> {
  return db('cart_coupons')
    .whereIn('coupon_id', db('coupons').select('id').whereRaw('lower(code) = lower(?)', [code]))
    .whereIn('cart_item_id', db('cart_items as ci').join('carts as ca', 'ca.id', 'ci.cart_id').where('ca.user_id', userId).select('ci.id'))
    .delete();
}

/** The course, only when `instructorId` teaches it (published or not). */
export function findTaughtCourseId(db: Db, instructorId: string, courseId: string): Promise<{ id: string } | undefined> {
  return db('courses').select('id').where({ id: courseId, instructor_id: instructorId }).first();
}
