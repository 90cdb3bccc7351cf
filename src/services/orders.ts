import crypto from 'node:crypto';
import type { Schemas } from '../schemas';
import type { Deps } from '../deps';
import { AppError, type ErrorDetails, validationError } from '../errors';
import { withTransaction } from '../db/transaction';
import { type PageSlice, pageRequest, pageSlice } from '../pagination';
import { billingAddressOf, orderView } from '../presenters/orders';
import { cartLines, type CartLineRow, lockCart } from '../repositories/cart';
import { ownedCourseIds } from '../repositories/enrollmentGrants';
import {
  type BillingAddress,
  cancelPendingOrders,
  findPendingOrderFor,
  findUserOrder,
  insertOrder,
  listUserOrders,
  orderItems,
  type OrderItemRow,
  type OrderRow,
  type OrderStatus,
  updateBillingAddress,
} from '../repositories/orders';
import { findPaymentsByOrders } from '../repositories/payments';
import { refundsOfOrders } from '../repositories/refunds';
import { isFree } from '../repositories/sellableCourses';

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

/** The cart's content as the order would freeze it: the same courses at the same prices give the same value. */
function cartFingerprint(lines: CartLineRow[]): string {
  const parts = lines.map((l) => `${l.course_id}:${l.price_cents}`).sort();
  return crypto.createHash('sha256').update(parts.join(',')).digest('hex');
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

    const fingerprint = cartFingerprint(lines);
    const existing = await findPendingOrderFor(trx, userId, fingerprint);
    if (existing) return { order: await updateBillingAddress(trx, existing.id, billingAddress), created: false, cancelled: [] as string[] };
    const order = await insertOrder(trx, {
      userId,
      currency: 'usd',
      billingAddress,
      cartFingerprint: fingerprint,
      items: lines.map((l) => ({ courseId: l.course_id, priceCents: l.price_cents as number, originalPriceCents: l.original_price_cents })),
    });
    return { order, created: true, cancelled: await cancelPendingOrders(trx, userId, order.id) };
  });
  await cancelPaymentIntents(deps, outcome.cancelled);
  return { order: await oneOrderView(deps, outcome.order), created: outcome.created };
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
