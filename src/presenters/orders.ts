import type { Schemas } from '../schemas';
import { centsToAmount } from '../money';
import type { OrderItemRow, OrderRow, StoredBillingAddress } from '../repositories/orders';
import type { RefundRow } from '../repositories/refunds';

/** The receipt's API URL: readable only with the owner's token, so it is safe to show and not guessable as a file. */
export function receiptUrl(publicBaseUrl: string, order: Pick<OrderRow, 'id' | 'status'>): string | null {
  return order.status === 'completed' || order.status === 'refunded' ? `${publicBaseUrl}/orders/${order.id}/receipt/` : null;
}

/** Optional fields the learner did not send are null, so every stored address has the same shape. */
export function billingAddressOf(input: Schemas['BillingAddressInput']): Schemas['BillingAddress'] {
  return {
    first_name: input.first_name.trim(),
    last_name: input.last_name.trim(),
    email: input.email.trim(),
    address_line1: input.address_line1.trim(),
    address_line2: input.address_line2?.trim() || null,
    city: input.city.trim(),
    state: input.state?.trim() || null,
    postal_code: input.postal_code.trim(),
    country: input.country,
    phone: input.phone?.trim() || null,
  };
}

/** In the contract's field order; rows written by hand or before every optional field was kept show them null. */
function storedBillingAddress(a: StoredBillingAddress): Schemas['BillingAddress'] {
  return {
    first_name: a.first_name,
    last_name: a.last_name,
    email: a.email,
    address_line1: a.address_line1,
    address_line2: a.address_line2 ?? null,
    city: a.city,
    state: a.state ?? null,
    postal_code: a.postal_code,
    country: a.country,
    phone: a.phone ?? null,
  };
}

export function orderView(publicBaseUrl: string, order: OrderRow, items: OrderItemRow[], refund: RefundRow | undefined): Schemas['Order'] {
  return {
    id: order.id,
    order_number: order.order_number,
    status: order.status,
    created_at: order.created_at.toISOString(),
    completed_at: order.completed_at ? order.completed_at.toISOString() : null,
    total_amount: centsToAmount(order.total_cents),
    subtotal: centsToAmount(order.subtotal_cents),
    discount_amount: centsToAmount(order.discount_cents),
    currency: order.currency as Schemas['OrderCurrency'],
    items_count: items.length,
    items: items.map((item) => ({
      id: item.id,
      course: { id: item.course_id, title: item.title },
      price_at_purchase: centsToAmount(item.price_cents),
      discount_amount: centsToAmount(item.discount_cents),
      price_paid: centsToAmount(item.price_cents - item.discount_cents),
      coupon_code: item.coupon_code,
    })),
    billing_address: storedBillingAddress(order.billing_address),
    receipt_url: receiptUrl(publicBaseUrl, order),
    refund:
      order.status === 'refunded' && refund
        ? { id: refund.id, amount: centsToAmount(refund.amount_cents), status: refund.status, created_at: refund.created_at.toISOString() }
        : null,
  };
}

export function paymentConfirmationView(publicBaseUrl: string, order: OrderRow, items: OrderItemRow[]): Schemas['PaymentConfirmation'] {
  return {
    order_id: order.id,
    status: order.status,
    message: 'Payment processed successfully',
    receipt_url: receiptUrl(publicBaseUrl, order),
    courses_now_available: items.map((item) => ({
      id: item.course_id,
      title: item.title,
      access_url: `/dashboard/courses/${item.course_id}`,
    })),
  };
}
