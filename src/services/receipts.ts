import type { Knex } from 'knex';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { findOrder, findUserOrder, orderItems, type OrderRow, setReceiptPath } from '../repositories/orders';
import { findPaymentByOrder } from '../repositories/payments';
import type { FileStorage } from '../storage/files';

/** Seconds a client waits before asking again for a receipt the worker has not rendered yet. */
export const RECEIPT_RETRY_AFTER_SECONDS = 5;

const hasReceipt = (order: Pick<OrderRow, 'status'>): boolean => order.status === 'completed' || order.status === 'refunded';

/** The owner's receipt PDF; others get the same 404 as an unknown order. */
export async function orderReceipt(deps: Deps, userId: string, orderId: string): Promise<{ filename: string; pdf: Buffer }> {
  const order = await findUserOrder(deps.db, userId, orderId);
  if (!order) throw new AppError('ORDER_NOT_FOUND');
  if (!hasReceipt(order)) throw new AppError('RECEIPT_NOT_FOUND');
  const pdf = order.receipt_path ? await deps.storage.read(order.receipt_path) : undefined;
  if (!pdf) {
    throw new AppError('RECEIPT_NOT_READY', undefined, undefined, RECEIPT_RETRY_AFTER_SECONDS);
  }
  return { filename: `LearnFlow-receipt-${order.order_number}.pdf`, pdf };
}

/** Renders and stores the receipt of a paid order once; a rerun finds it stored and changes nothing. */
export async function renderReceipt(
  db: Knex,
  storage: FileStorage,
  orderId: string,
): Promise<{ outcome: 'missing' | 'unpaid' | 'already-rendered' | 'rendered'; orderNumber?: string }> {
  const order = await findOrder(db, orderId);
  if (!order) return { outcome: 'missing' };
  if (!hasReceipt(order) || !order.completed_at) return { outcome: 'unpaid', orderNumber: order.order_number };
  if (order.receipt_path && (await storage.read(order.receipt_path)))
    return { outcome: 'already-rendered', orderNumber: order.order_number };
  const [items, payment] = await Promise.all([orderItems(db, [order.id]), findPaymentByOrder(db, order.id)]);
  const address = order.billing_address;
  // Imported on first use: pdfkit and the fonts stay out of the API process, which never renders.
  const { renderReceiptPdf } = await import('../pdf/receipt');
  const pdf = await renderReceiptPdf({
    orderNumber: order.order_number,
    paidAt: order.completed_at,
    currency: order.currency,
    billedTo: {
      name: `${address.first_name} ${address.last_name}`,
      email: address.email,
      lines: [
        address.address_line1,
        address.address_line2,
        [address.city, [address.state, address.postal_code].filter(Boolean).join(' ')].join(', '),
        new Intl.DisplayNames(['en'], { type: 'region' }).of(address.country) ?? address.country,
      ].filter((line): line is string => Boolean(line)),
    },
    items: items.map((i) => ({ title: i.title, priceCents: i.price_cents, discountCents: i.discount_cents, couponCode: i.coupon_code })),
    subtotalCents: order.subtotal_cents,
    discountCents: order.discount_cents,
    totalCents: order.total_cents,
    paymentReference: payment?.stripe_payment_intent_id ?? null,
  });
  const key = order.receipt_path ?? `receipts/${order.id}.pdf`;
  await storage.write(key, pdf);
  await setReceiptPath(db, order.id, key);
  return { outcome: 'rendered', orderNumber: order.order_number };
}
