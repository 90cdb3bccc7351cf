import type { Schemas } from '../schemas';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { withTransaction } from '../db/transaction';
import { cartView } from '../presenters/cart';
import { cartLines, ensureCart, touchCart } from '../repositories/cart';
import { couponsByCode, deleteCartCoupons, setCartLineCoupon } from '../repositories/coupons';
import { isFree } from '../repositories/sellableCourses';
import { couponRefusal } from './couponRules';

/**
 * Applies a code to each cart line whose course has a usable coupon of that code. A code no course of the cart
 * has is COUPON_INVALID (unknown and foreign look the same); when the code exists for the cart but no coupon of
 * it is usable now, the first one's reason answers (inactive, not started, expired, exhausted).
 */
export async function applyCartCoupon(deps: Deps, userId: string, code: string): Promise<Schemas['Cart']> {
  return withTransaction(deps.db, async (trx) => {
    const cart = await ensureCart(trx, userId);
    const lines = (await cartLines(trx, cart.id)).filter((line) => !isFree(line));
    const coupons = await couponsByCode(
      trx,
      code,
      lines.map((l) => l.course_id),
    );
    if (coupons.length === 0) throw new AppError('COUPON_INVALID');
    const now = new Date();
    const usable = coupons.filter((c) => couponRefusal(c, now) === undefined);
    if (usable.length === 0) throw new AppError(couponRefusal(coupons[0] as (typeof coupons)[number], now) ?? 'COUPON_INVALID');
    for (const coupon of usable) {
      const line = lines.find((l) => l.course_id === coupon.course_id);
      if (line) await setCartLineCoupon(trx, line.id, coupon.id);
    }
    await touchCart(trx, userId);
    return cartView(await ensureCart(trx, userId), await cartLines(trx, cart.id), now);
  });
}

/** Takes the code off the cart's lines; a code no line carries is COUPON_NOT_FOUND. */
export async function removeCartCoupon(deps: Deps, userId: string, code: string): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    if ((await deleteCartCoupons(trx, userId, code)) === 0) throw new AppError('COUPON_NOT_FOUND');
    await touchCart(trx, userId);
  });
}
