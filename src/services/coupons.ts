import type { Schemas } from '../schemas';
import type { Deps } from '../deps';
import { AppError, type ErrorDetails, validationError } from '../errors';
import { withTransaction } from '../db/transaction';
import { isUniqueViolation } from '../db/pgErrors';
import { amountToCents } from '../money';
import { type PageSlice, pageRequest, pageSlice } from '../pagination';
import { couponView, redemptionView } from '../presenters/coupons';
import { listRedemptions } from '../repositories/couponRedemptions';
import {
  type CouponFields,
  type CouponRow,
  findInstructorCoupon,
  findTaughtCourseId,
  insertCoupon,
  listInstructorCoupons,
  updateCoupon,
} from '../repositories/coupons';
import { requireInstructor } from './authoring';
import { MIN_CHARGE_CENTS } from './couponRules';

type CreateInput = Schemas['CouponCreateRequest'];
type UpdateInput = Schemas['CouponUpdateRequest'];

const codeTaken = (): AppError => new AppError('COUPON_CODE_EXISTS');

/** The rules JSON Schema cannot state, on the coupon as it will be: one kind, a chargeable price, a window. */
function checkFields(fields: CouponFields, input: { fixed_price?: number }): CouponFields {
  const details: ErrorDetails = {};
  // Create sets both to null when both are sent, so "both" and "neither" fail the same way.
  if ((fields.percent_off === null) === (fields.fixed_price_cents === null)) {
    details.percent_off = ['Send exactly one of percent_off and fixed_price.'];
  }
  if (input.fixed_price !== undefined) {
    if (Math.abs(input.fixed_price * 100 - Math.round(input.fixed_price * 100)) > 1e-6) {
      details.fixed_price = ['Ensure that there are no more than 2 decimal places.'];
    } else if (fields.fixed_price_cents !== null && fields.fixed_price_cents > 0 && fields.fixed_price_cents < MIN_CHARGE_CENTS) {
      details.fixed_price = ["A fixed price is 0 (free) or at least 0.50 (Stripe's minimum charge)."];
    }
  }
  if (fields.ends_at.getTime() <= fields.starts_at.getTime()) details.ends_at = ['Must be later than starts_at.'];
  if (Object.keys(details).length > 0) throw validationError(details);
  return fields;
}

async function ownCoupon(deps: Deps, userId: string, couponId: string): Promise<CouponRow> {
  await requireInstructor(deps.db, userId);
  const coupon = await findInstructorCoupon(deps.db, userId, couponId);
  if (!coupon) throw new AppError('COUPON_NOT_FOUND');
  return coupon;
}

export async function createCoupon(deps: Deps, userId: string, input: CreateInput): Promise<Schemas['Coupon']> {
  await requireInstructor(deps.db, userId);
  if (!(await findTaughtCourseId(deps.db, userId, input.course_id))) throw new AppError('COURSE_NOT_FOUND');
  const both = input.percent_off !== undefined && input.fixed_price !== undefined;
  const fields = checkFields(
    {
      code: input.code,
      percent_off: both ? null : (input.percent_off ?? null),
      fixed_price_cents: both || input.fixed_price === undefined ? null : amountToCents(input.fixed_price),
      starts_at: new Date(input.starts_at),
      ends_at: new Date(input.ends_at),
      max_redemptions: input.max_redemptions ?? null,
      is_active: input.is_active ?? true,
    },
    input,
  );
  const id = await insertCoupon(deps.db, input.course_id, fields);
  if (!id) throw codeTaken();
  return couponView((await findInstructorCoupon(deps.db, userId, id)) as CouponRow, new Date());
}

export async function updateMyCoupon(deps: Deps, userId: string, couponId: string, input: UpdateInput): Promise<Schemas['Coupon']> {
  const current = await ownCoupon(deps, userId, couponId);
  if (input.percent_off !== undefined && input.fixed_price !== undefined) {
    throw validationError({ percent_off: ['Send exactly one of percent_off and fixed_price.'] });
  }
  const kindChange =
    input.percent_off !== undefined
      ? { percent_off: input.percent_off, fixed_price_cents: null }
      : input.fixed_price !== undefined
        ? { percent_off: null, fixed_price_cents: amountToCents(input.fixed_price) }
        : { percent_off: current.percent_off, fixed_price_cents: current.fixed_price_cents };
  const fields = checkFields(
    {
      code: input.code ?? current.code,
      ...kindChange,
      starts_at: input.starts_at ? new Date(input.starts_at) : current.starts_at,
      ends_at: input.ends_at ? new Date(input.ends_at) : current.ends_at,
      max_redemptions: input.max_redemptions === undefined ? current.max_redemptions : input.max_redemptions,
      is_active: input.is_active ?? current.is_active,
    },
    { ...(input.fixed_price !== undefined ? { fixed_price: input.fixed_price } : {}) },
  );
  try {
    await withTransaction(deps.db, (trx) => updateCoupon(trx, current.id, fields));
  } catch (err) {
    if (isUniqueViolation(err, 'coupons_course_id_lower_code_unique')) throw codeTaken();
    throw err;
  }
  return couponView((await findInstructorCoupon(deps.db, userId, current.id)) as CouponRow, new Date());
}

export async function getMyCoupon(deps: Deps, userId: string, couponId: string): Promise<Schemas['Coupon']> {
  return couponView(await ownCoupon(deps, userId, couponId), new Date());
}

export async function listMyCoupons(
  deps: Deps,
  userId: string,
  q: { course_id?: string; page?: number; page_size?: number },
): Promise<PageSlice<Schemas['Coupon']>> {
  await requireInstructor(deps.db, userId);
  const page = pageRequest(q);
  const { rows, count } = await listInstructorCoupons(deps.db, userId, q.course_id, page);
  const now = new Date();
  return pageSlice(
    rows.map((r) => couponView(r, now)),
    count,
    page,
  );
}

export async function listMyCouponRedemptions(
  deps: Deps,
  userId: string,
  couponId: string,
  q: { page?: number; page_size?: number },
): Promise<PageSlice<Schemas['CouponRedemption']>> {
  const coupon = await ownCoupon(deps, userId, couponId);
  const page = pageRequest(q);
  const { rows, count } = await listRedemptions(deps.db, coupon.id, page);
  return pageSlice(rows.map(redemptionView), count, page);
}
