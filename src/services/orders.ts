import crypto from 'node:crypto';
import type { Schemas } from '../schemas';
import type { Deps } from '../deps';
import type { Knex } from 'knex';
import { AppError, ERRORS, type ErrorDetails, validationError } from '../errors';
import { withTransaction } from '../db/transaction';
import { type PageSlice, pageRequest, pageSlice } from '../pagination';
import { billingAddressOf, orderView } from '../presenters/orders';
import { cartLines, type CartLineRow, lockCart } from '../repositories/cart';
import { ownedCourseIds } from '../repositories/enrollmentGrants';
import {
  type BillingAddress,
  cancelPendingOrders,
  findUserOrder,
  insertOrder,
  listUserOrders,
  orderItems,
  type OrderItemRow,
  type OrderRow,
  type OrderStatus,
  pendingOrdersOf,
  updateBillingAddress,
} from '../repositories/orders';
import { findPaymentsByOrders } from '../repositories/payments';
import { insertReservation, releaseReservations, takeCouponUse } from '../repositories/couponRedemptions';
import { refundsOfOrders } from '../repositories/refunds';
import { isFree } from '../repositories/sellableCourses';
import { lineCoupon, priceCartLine } from './cartPricing';
import { couponDiscountCents } from './couponRules';
import { fulfilOrder } from './fulfilment';

const REGIONS = new Intl.DisplayNames(['en'], { type: 'region' });
// Region codes ICU names that are not countries a card can be billed in.
const NOT_COUNTRIES = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO']);

/** What the schema cannot say: required fields that are only blanks, and country codes that are no country. */
export function validateBillingAddress(input: Schemas['BillingAddressInput']): BillingAddress {
  const details: ErrorDetails = {};
  for (const field of ['first_name', 'last_name', 'email', 'address_line1', 'city', 'postal_code'] as const) {
    if (input[field].trim() === '') details[`billing_address.${field}`] = ['This field may not be blank.'];
  }
  if (NOT_COUNTRIES.has(input.country) || REGIONS.of(input.country) === input.country) {
    details['billing_address.country'] = ['Use a two-letter ISO 3166-1 country code, e.g. US.'];
  }
  if (Object.keys(details).length > 0) throw validationError(details);
  return billingAddressOf(input);
}

/** A cart line as the order freezes it: its price, and its coupon's discount now. */
interface FrozenLine {
  line: CartLineRow;
  priceCents: number;
  discountCents: number;
  couponId: string | null;
}

/**
 * The coupon of each line is checked again now: a line whose coupon cannot be used any more refuses the whole
 * order with the coupon's reason (the learner removes it and sees the new price, never a surprise at payment).
 * Whether a use is left is decided by the reservation's compare-and-set, not here.
 */
function freezeLines(lines: CartLineRow[], now: Date): FrozenLine[] {
  return lines.map((line) => {
    const priced = priceCartLine(line, now);
    if (priced.refusal && priced.refusal !== 'COUPON_EXHAUSTED') {
      throw new AppError(
        priced.refusal,
        `${ERRORS[priced.refusal].message} (${line.coupon_code} on ${line.title}); remove it from your cart`,
      );
    }
    const coupon = lineCoupon(line);
    if (!coupon) return { line, priceCents: priced.priceCents, discountCents: 0, couponId: null };
    // "Exhausted" as read here may be this learner's own replaced order, which gives its use back first.
    return { line, priceCents: priced.priceCents, discountCents: couponDiscountCents(priced.priceCents, coupon), couponId: coupon.id };
  });
}

/** The cart's content as the order would freeze it: the same courses, prices and coupons give the same value. */
function cartFingerprint(lines: FrozenLine[]): string {
  const parts = lines.map((l) => `${l.line.course_id}:${l.priceCents}:${l.couponId ?? ''}:${l.discountCents}`).sort();
  return crypto.createHash('sha256').update(parts.join(',')).digest('hex');
}

/**
 * One use of each coupon of the order, taken by compare-and-set on the coupon's counter (concurrent orders
 * queue on the coupon's row): the last use goes to exactly one order, the others get COUPON_EXHAUSTED and
 * their transaction, with its order, rolls back.
 */
async function reserveCoupons(trx: Knex.Transaction, order: OrderRow, frozen: FrozenLine[]): Promise<void> {
  // In coupon id order: two orders sharing coupons lock their rows in the same order and never deadlock.
  const withCoupon = frozen.filter((l) => l.couponId).sort((a, b) => ((a.couponId as string) < (b.couponId as string) ? -1 : 1));
  for (const l of withCoupon) {
    if (!l.couponId) continue;
    if (!(await takeCouponUse(trx, l.couponId))) {
      throw new AppError(
        'COUPON_EXHAUSTED',
        `${ERRORS.COUPON_EXHAUSTED.message} (${l.line.coupon_code} on ${l.line.title}); remove it from your cart`,
      );
    }
    await insertReservation(trx, { couponId: l.couponId, orderId: order.id, userId: order.user_id, discountCents: l.discountCents });
  }
}

/** Full order views for rows of one user, in a fixed number of queries whatever their count. */
export async function orderViews(deps: Deps, orders: OrderRow[]): Promise<Schemas['Order'][]> {
  const ids = orders.map((o) => o.id);
  const [items, refunds] = await Promise.all([orderItems(deps.db, ids), refundsOfOrders(deps.db, ids)]);
  const itemsOf = new Map<string, OrderItemRow[]>();
  for (const item of items) itemsOf.set(item.order_id, [...(itemsOf.get(item.order_id) ?? []), item]);
  const refundOf = new Map(refunds.map((r) => [r.order_id, r]));
  return orders.map((o) => orderView(deps.config.publicBaseUrl, o, itemsOf.get(o.id) ?? [], refundOf.get(o.id)));
}

async function oneOrderView(deps: Deps, order: OrderRow): Promise<Schemas['Order']> {
  return (await orderViews(deps, [order]))[0] as Schemas['Order'];
}

/**
 * Turns the cart into a pending order in one transaction that holds the cart's row lock, so concurrent calls
 * run one after the other: the first creates the order, the others find it pending for the same content
 * (a partial unique index on (user_id, cart_fingerprint) backs this up). Prices are frozen in cents now.
 */
export async function createOrderFromCart(
  deps: Deps,
  userId: string,
  billingInput: Schemas['BillingAddressInput'],
): Promise<{ order: Schemas['Order']; created: boolean }> {
  const billingAddress = validateBillingAddress(billingInput);
  const outcome = await withTransaction(deps.db, async (trx) => {
    const cart = await lockCart(trx, userId);
    const lines = (await cartLines(trx, cart.id)).filter((line) => !isFree(line));
    if (lines.length === 0) throw new AppError('CART_EMPTY');
    const owned = await ownedCourseIds(
      trx,
      userId,
      lines.map((l) => l.course_id),
    );
    const ownedLine = lines.find((l) => owned.has(l.course_id));
    if (ownedLine) throw new AppError('ALREADY_ENROLLED', `You are already enrolled in ${ownedLine.title}; remove it from your cart`);

    const frozen = freezeLines(lines, new Date());
    const fingerprint = cartFingerprint(frozen);
    // Read once under the cart's lock (only create-from-cart makes orders, and it holds that lock): the pending
    // order for this content, and whether there are others to replace at all.
    const pending = await pendingOrdersOf(trx, userId);
    const existing = pending.find((o) => o.cart_fingerprint === fingerprint);
    if (existing) {
      return {
        order: await updateBillingAddress(trx, existing.id, billingAddress),
        created: false,
        cancelled: [] as string[],
        items: undefined,
      };
    }
    const { order, itemIds } = await insertOrder(trx, {
      userId,
      currency: 'usd',
      billingAddress,
      cartFingerprint: fingerprint,
      items: frozen.map((l) => ({
        courseId: l.line.course_id,
        priceCents: l.priceCents,
        originalPriceCents: l.line.original_price_cents,
        discountCents: l.discountCents,
        couponId: l.couponId,
      })),
    });
    // The replaced orders give their coupon uses back before this one takes its own: a learner re-checking out
    // never competes with their own abandoned order for the last use.
    const cancelled = pending.length > 0 ? await cancelPendingOrders(trx, userId, order.id) : [];
    await releaseReservations(trx, cancelled);
    await reserveCoupons(trx, order, frozen);
    const items = frozenItems(order.id, itemIds, frozen);
    // Free for this learner (every line at 0 through coupons): nothing to pay, enrolled now, no PaymentIntent.
    if (order.total_cents === 0) return { order: (await fulfilOrder(trx, order.id)).order, created: true, cancelled, items };
    return { order, created: true, cancelled, items };
  });
  await cancelPaymentIntents(deps, outcome.cancelled);
  // A new order's lines are the frozen ones, and it has no refund: its view needs no second read.
  const view = outcome.items
    ? orderView(deps.config.publicBaseUrl, outcome.order, outcome.items, undefined)
    : await oneOrderView(deps, outcome.order);
  return { order: view, created: outcome.created };
}

/** The order lines as orderItems() would read them back right after the insert, from what was inserted. */
function frozenItems(orderId: string, itemIds: string[], frozen: FrozenLine[]): OrderItemRow[] {
  return frozen.map((l, i) => ({
    id: itemIds[i] as string,
    order_id: orderId,
    course_id: l.line.course_id,
    title: l.line.title,
    price_cents: l.priceCents,
    original_price_cents: l.line.original_price_cents,
    lesson_count: l.line.lesson_count,
    discount_cents: l.discountCents,
    coupon_code: l.couponId ? l.line.coupon_code : null,
  }));
}

/**
 * Best effort: the PaymentIntents of orders replaced by a newer one are cancelled at Stripe so they cannot be
 * paid by mistake. If one cannot be cancelled (already paid, Stripe down), its success is still honoured.
 */
async function cancelPaymentIntents(deps: Deps, orderIds: string[]): Promise<void> {
  const payments = await findPaymentsByOrders(deps.db, orderIds);
  await Promise.all(
    payments.map((p) =>
      deps.stripe.paymentIntents
        .cancel(p.stripe_payment_intent_id, { cancellation_reason: 'abandoned' }, { maxNetworkRetries: 0 })
        .catch((err: Error) =>
          deps.log.warn({ err: err.message, orderId: p.order_id }, 'could not cancel the PaymentIntent of a replaced order'),
        ),
    ),
  );
}

export async function listOrders(
  deps: Deps,
  userId: string,
  query: { status?: OrderStatus; page?: number; page_size?: number },
): Promise<PageSlice<Schemas['Order']>> {
  const page = pageRequest(query);
  const { rows, count } = await listUserOrders(deps.db, userId, query.status, page);
  return pageSlice(await orderViews(deps, rows), count, page);
}

export async function getOrder(deps: Deps, userId: string, orderId: string): Promise<Schemas['Order']> {
  const order = await findUserOrder(deps.db, userId, orderId);
  if (!order) throw new AppError('ORDER_NOT_FOUND');
  return oneOrderView(deps, order);
}
