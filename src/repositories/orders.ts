import type { Knex } from 'knex';
import type { components } from '../generated/api';
import type { PageRequest } from '../pagination';
import type { Db } from '../db/knex';

export type OrderStatus = components['schemas']['OrderStatus'];
export type BillingAddress = components['schemas']['BillingAddress'];
/** As stored: rows written by hand or before every optional field was kept may lack the optional ones. */
export type StoredBillingAddress = Omit<BillingAddress, 'address_line2' | 'state' | 'phone'> &
  Partial<Pick<BillingAddress, 'address_line2' | 'state' | 'phone'>>;

export interface OrderRow {
  id: string;
  user_id: string;
  order_number: string;
  status: OrderStatus;
  subtotal_cents: number;
  discount_cents: number;
  total_cents: number;
  currency: string;
  billing_address: StoredBillingAddress;
  cart_fingerprint: string | null;
  receipt_path: string | null;
  completed_at: Date | null;
  failed_at: Date | null;
  refunded_at: Date | null;
  cancelled_at: Date | null;
  created_at: Date;
}

/** An order line with its course's current title and size (the price is the one frozen at ordering). */
export interface OrderItemRow {
  id: string;
  order_id: string;
  course_id: string;
  title: string;
  price_cents: number;
  original_price_cents: number | null;
  lesson_count: number;
  /** The coupon discount frozen on the line, and the coupon's code (null without one). */
  discount_cents: number;
  coupon_code: string | null;
}

export function findUserOrder(db: Db, userId: string, orderId: string): Promise<OrderRow | undefined> {
  return db('orders').where({ id: orderId, user_id: userId }).first();
}

/** The order, locked until the transaction ends: status changes of one order happen one at a time. */
export function lockOrder(trx: Knex.Transaction, orderId: string, userId?: string): Promise<OrderRow | undefined> {
  return trx('orders')
    .where({ id: orderId, ...(userId ? { user_id: userId } : {}) })
    .forUpdate()
    .first();
}

/** The user's pending orders (usually none or one): the one for a cart's content, and those a new order replaces. */
export function pendingOrdersOf(db: Db, userId: string): Promise<Array<Pick<OrderRow, 'id' | 'cart_fingerprint'>>> {
  return db('orders').select('id', 'cart_fingerprint').where({ user_id: userId, status: 'pending' });
}

export async function insertOrder(
  trx: Knex.Transaction,
  order: {
    userId: string;
    currency: string;
    billingAddress: BillingAddress;
    cartFingerprint: string;
    items: Array<{
      courseId: string;
      priceCents: number;
      originalPriceCents: number | null;
      discountCents: number;
      couponId: string | null;
    }>;
  },
): Promise<{ order: OrderRow; itemIds: string[] }> {
  const subtotal = order.items.reduce((sum, item) => sum + item.priceCents, 0);
  // orders.discount_cents is by construction the sum of the lines' discounts (what sales figures read).
  const discount = order.items.reduce((sum, item) => sum + item.discountCents, 0);
  const [row] = (await trx('orders')
    .insert({
      user_id: order.userId,
      subtotal_cents: subtotal,
      discount_cents: discount,
      total_cents: subtotal - discount,
      currency: order.currency,
      billing_address: JSON.stringify(order.billingAddress),
      cart_fingerprint: order.cartFingerprint,
    })
    .returning('*')) as OrderRow[];
  const items = (await trx('order_items')
    .insert(
      order.items.map((item, i) => ({
        order_id: (row as OrderRow).id,
        course_id: item.courseId,
        price_cents: item.priceCents,
        original_price_cents: item.originalPriceCents,
        discount_cents: item.discountCents,
        coupon_id: item.couponId,
        position: i + 1,
      })),
    )
    .returning(['id', 'position'])) as Array<{ id: string; position: number }>;
  // The ids in the order of the input lines (position i + 1), whatever order RETURNING gives them in.
  const itemIds: string[] = [];
  for (const item of items) itemIds[item.position - 1] = item.id;
  return { order: row as OrderRow, itemIds };
}

export async function updateBillingAddress(trx: Knex.Transaction, orderId: string, billingAddress: BillingAddress): Promise<OrderRow> {
  const [row] = (await trx('orders')
    .where({ id: orderId })
    .update({ billing_address: JSON.stringify(billingAddress) })
    .returning('*')) as OrderRow[];
  return row as OrderRow;
}

/** Cancels the user's pending orders other than `keepId`; returns their ids. */
export async function cancelPendingOrders(trx: Knex.Transaction, userId: string, keepId: string): Promise<string[]> {
  const rows = (await trx('orders')
    .where({ user_id: userId, status: 'pending' })
    .whereNot({ id: keepId })
    .update({ status: 'cancelled', cancelled_at: trx.fn.now() })
    .returning('id')) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/**
 * Compare-and-set to `completed`: only from pending, failed (the same PaymentIntent succeeded on a retry) or
 * cancelled (paid anyway). The row lock makes concurrent callers wait; exactly one gets the row back.
 */
export async function completeOrder(trx: Knex.Transaction, orderId: string): Promise<OrderRow | undefined> {
  const [row] = (await trx('orders')
    .where({ id: orderId })
    .whereIn('status', ['pending', 'failed', 'cancelled'])
    .update({ status: 'completed', completed_at: trx.fn.now() })
    .returning('*')) as OrderRow[];
  return row;
}

/** pending → cancelled only (an abandoned order whose coupon hold expired). */
export async function cancelPendingOrder(trx: Knex.Transaction, orderId: string): Promise<boolean> {
  return (await trx('orders').where({ id: orderId, status: 'pending' }).update({ status: 'cancelled', cancelled_at: trx.fn.now() })) === 1;
}

/** pending → failed only: a late failure never undoes a completion, a refund or a cancellation. */
export async function failOrder(trx: Knex.Transaction, orderId: string): Promise<boolean> {
  return (await trx('orders').where({ id: orderId, status: 'pending' }).update({ status: 'failed', failed_at: trx.fn.now() })) === 1;
}

/** completed → refunded only. */
export async function refundOrder(trx: Knex.Transaction, orderId: string): Promise<OrderRow | undefined> {
  const [row] = (await trx('orders')
    .where({ id: orderId, status: 'completed' })
    .update({ status: 'refunded', refunded_at: trx.fn.now() })
    .returning('*')) as OrderRow[];
  return row;
}

export function orderItems(db: Db, orderIds: string[]): Promise<OrderItemRow[]> {
  if (orderIds.length === 0) return Promise.resolve([]);
  return db('order_items as oi')
    .join('courses as c', 'c.id', 'oi.course_id')
    .leftJoin('coupons as cp', 'cp.id', 'oi.coupon_id')
    .whereIn('oi.order_id', orderIds)
    .select(
      'oi.id',
      'oi.order_id',
      'oi.course_id',
      'c.title',
      'oi.price_cents',
      'oi.original_price_cents',
      'c.lesson_count',
      'oi.discount_cents',
      'cp.code as coupon_code',
    )
    .orderBy([{ column: 'oi.order_id' }, { column: 'oi.position' }]);
}

/** One page of the user's orders, newest first, and the count across pages. */
export async function listUserOrders(
  db: Db,
  userId: string,
  status: OrderStatus | undefined,
  page: PageRequest,
): Promise<{ rows: OrderRow[]; count: number }> {
  const filter = (q: Knex.QueryBuilder): Knex.QueryBuilder =>
    status ? q.where({ user_id: userId, status }) : q.where({ user_id: userId });
  const [rows, counted] = await Promise.all([
    filter(db('orders'))
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(page.pageSize)
      .offset(page.offset) as Promise<OrderRow[]>,
    filter(db('orders')).count({ n: '*' }) as Promise<Array<{ n: number }>>,
  ]);
  return { rows, count: Number(counted[0]?.n ?? 0) };
}

export function setReceiptPath(db: Db, orderId: string, path: string): Promise<number> {
  return db('orders').where({ id: orderId }).update({ receipt_path: path });
}

export function findOrder(db: Db, orderId: string): Promise<OrderRow | undefined> {
  return db('orders').where({ id: orderId }).first();
}
