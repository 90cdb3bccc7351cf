import crypto from 'node:crypto';
import type { FormObject, FormValue } from './form';

/**
 * The Stripe objects the test server keeps in memory and the rules that move them, after Stripe's API
 * (https://docs.stripe.com/api): PaymentIntents confirmed with Stripe's test payment methods, their charges,
 * refunds, and the events each change emits.
 */

export interface StripeErrorBody {
  type: 'invalid_request_error' | 'card_error' | 'idempotency_error' | 'api_error';
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  payment_intent?: PaymentIntent;
}

/** An answer other than 200, in Stripe's error envelope. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: 'requires_payment_method' | 'requires_confirmation' | 'succeeded' | 'canceled';
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  payment_method: string | null;
  payment_method_types: string[];
  last_payment_error: StripeErrorBody | null;
  latest_charge: string | null;
  cancellation_reason: string | null;
  canceled_at: number | null;
  created: number;
  livemode: false;
}

export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string;
  status: 'succeeded';
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  payment_intent: string;
  payment_method: string;
  paid: true;
  captured: true;
  refunded: boolean;
  status: 'succeeded';
  metadata: Record<string, string>;
  refunds: { object: 'list'; data: Refund[]; has_more: false };
  created: number;
}

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  type: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  data: { object: PaymentIntent | Charge | Refund };
}

/** Stripe's test payment methods (https://docs.stripe.com/testing): null succeeds, a string is the decline code. */
const TEST_PAYMENT_METHODS: Record<string, string | null> = {
  pm_card_visa: null,
  pm_card_mastercard: null,
  pm_card_amex: null,
  pm_card_chargeDeclined: 'generic_decline',
  pm_card_chargeDeclinedInsufficientFunds: 'insufficient_funds',
  pm_card_chargeDeclinedExpiredCard: 'expired_card',
};

const API_VERSION = '2025-02-24.acacia';

export const randomId = (prefix: string): string => `${prefix}_${crypto.randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = (): number => Math.floor(Date.now() / 1000);

const invalid = (message: string, param?: string, code?: string, status = 400): StripeApiError =>
  new StripeApiError(status, { type: 'invalid_request_error', message, ...(param ? { param } : {}), ...(code ? { code } : {}) });

function text(params: FormObject, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`Invalid string: ${name}`, name);
  return value;
}

function amount(params: FormObject, name: string, required: boolean): number | undefined {
  const raw = text(params, name);
  if (raw === undefined) {
    if (required) throw invalid(`Missing required param: ${name}.`, name, 'parameter_missing');
    return undefined;
  }
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 99_999_999) throw invalid(`Invalid integer: ${raw}`, name);
  return Number(raw);
}

function metadata(value: FormValue | undefined): Record<string, string> {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('Invalid object', 'metadata');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalid(`Invalid metadata value for ${k}`, `metadata[${k}]`);
    out[k] = v;
  }
  return out;
}

/** The in-memory Stripe account: every object, and every event in the order it happened. */
export class StripeAccount {
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly events: StripeEvent[] = [];

  private emit(type: string, object: PaymentIntent | Charge | Refund, request: { id: string; idempotencyKey: string | null }): StripeEvent {
    const event: StripeEvent = {
      id: randomId('evt'),
      object: 'event',
      api_version: API_VERSION,
      type,
      created: now(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: request.id, idempotency_key: request.idempotencyKey },
      // A snapshot: later changes to the object must not rewrite an event already sent.
      data: { object: structuredClone(object) },
    };
    this.events.push(event);
    return event;
  }

  createPaymentIntent(params: FormObject, request: { id: string; idempotencyKey: string | null }): PaymentIntent {
    const value = amount(params, 'amount', true) as number;
    const currency = text(params, 'currency');
    if (!currency) throw invalid('Missing required param: currency.', 'currency', 'parameter_missing');
    if (!/^[a-z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currency}.`, 'currency');
    const id = randomId('pi');
    const pm = text(params, 'payment_method') ?? null;
    const types = params.payment_method_types;
    const intent: PaymentIntent = {
      id,
      object: 'payment_intent',
      amount: value,
      amount_received: 0,
      currency,
      status: pm ? 'requires_confirmation' : 'requires_payment_method',
      client_secret: `${id}_secret_${crypto.randomBytes(12).toString('hex')}`,
      description: text(params, 'description') ?? null,
      metadata: metadata(params.metadata),
      payment_method: pm,
      payment_method_types: Array.isArray(types) ? types.filter((t): t is string => typeof t === 'string') : ['card'],
      last_payment_error: null,
      latest_charge: null,
      cancellation_reason: null,
      canceled_at: null,
      created: now(),
      livemode: false,
    };
    this.paymentIntents.set(id, intent);
    this.emit('payment_intent.created', intent, request);
    if (text(params, 'confirm') === 'true') return this.confirmPaymentIntent(id, {}, request);
    return intent;
  }

  retrievePaymentIntent(id: string): PaymentIntent {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw invalid(`No such payment_intent: '${id}'`, 'intent', 'resource_missing', 404);
    return intent;
  }

  /** Confirms with a test payment method: a success charges the card, a decline leaves the intent retryable. */
  confirmPaymentIntent(id: string, params: FormObject, request: { id: string; idempotencyKey: string | null }): PaymentIntent {
    const intent = this.retrievePaymentIntent(id);
    if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation') {
      throw invalid(
        `You cannot confirm this PaymentIntent because it has a status of ${intent.status}.`,
        undefined,
        'payment_intent_unexpected_state',
      );
    }
    const pm = text(params, 'payment_method') ?? intent.payment_method;
    if (!pm)
      throw invalid(
        "You cannot confirm this PaymentIntent because it's missing a payment method.",
        'payment_method',
        'payment_intent_unexpected_state',
      );
    if (!(pm in TEST_PAYMENT_METHODS)) throw invalid(`No such PaymentMethod: '${pm}'`, 'payment_method', 'resource_missing');
    intent.payment_method = pm;
    const declineCode = TEST_PAYMENT_METHODS[pm];
    if (declineCode) {
      const error: StripeErrorBody = {
        type: 'card_error',
        code: 'card_declined',
        decline_code: declineCode,
        message: declineCode === 'insufficient_funds' ? 'Your card has insufficient funds.' : 'Your card was declined.',
      };
      intent.status = 'requires_payment_method';
      intent.last_payment_error = error;
      this.emit('payment_intent.payment_failed', intent, request);
      throw new StripeApiError(402, { ...error, payment_intent: structuredClone(intent) });
    }
    const charge: Charge = {
      id: randomId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      currency: intent.currency,
      payment_intent: intent.id,
      payment_method: pm,
      paid: true,
      captured: true,
      refunded: false,
      status: 'succeeded',
      metadata: { ...intent.metadata },
      refunds: { object: 'list', data: [], has_more: false },
      created: now(),
    };
    this.charges.set(charge.id, charge);
    Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, latest_charge: charge.id, last_payment_error: null });
    this.emit('charge.succeeded', charge, request);
    this.emit('payment_intent.succeeded', intent, request);
    return intent;
  }

  cancelPaymentIntent(id: string, params: FormObject, request: { id: string; idempotencyKey: string | null }): PaymentIntent {
    const intent = this.retrievePaymentIntent(id);
    if (intent.status === 'succeeded' || intent.status === 'canceled') {
      throw invalid(
        `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
        undefined,
        'payment_intent_unexpected_state',
      );
    }
    Object.assign(intent, { status: 'canceled', canceled_at: now(), cancellation_reason: text(params, 'cancellation_reason') ?? null });
    this.emit('payment_intent.canceled', intent, request);
    return intent;
  }

  /** Refunds a succeeded payment (by payment_intent or charge), the whole remaining amount by default. */
  createRefund(params: FormObject, request: { id: string; idempotencyKey: string | null }): Refund {
    const piId = text(params, 'payment_intent');
    const chargeId = text(params, 'charge') ?? (piId ? this.retrievePaymentIntent(piId).latest_charge : undefined);
    if (!piId && !chargeId) throw invalid('One of the following params should be provided for this request: payment_intent or charge.');
    const charge = chargeId ? this.charges.get(chargeId) : undefined;
    if (!charge) {
      throw invalid(`This PaymentIntent (${piId}) does not have a successful charge to refund.`, 'payment_intent', 'charge_not_refundable');
    }
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining === 0) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
    const value = amount(params, 'amount', false) ?? remaining;
    if (value > remaining)
      throw invalid(`Refund amount (${value}) is greater than unrefunded amount on charge (${remaining})`, 'amount', 'amount_too_large');
    const refund: Refund = {
      id: randomId('re'),
      object: 'refund',
      amount: value,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      status: 'succeeded',
      reason: text(params, 'reason') ?? null,
      metadata: metadata(params.metadata),
      created: now(),
    };
    this.refunds.set(refund.id, refund);
    charge.amount_refunded += value;
    charge.refunded = charge.amount_refunded === charge.amount;
    charge.refunds.data.unshift(refund);
    this.emit('refund.created', refund, request);
    this.emit('charge.refunded', charge, request);
    return refund;
  }

  retrieveCharge(id: string): Charge {
    const charge = this.charges.get(id);
    if (!charge) throw invalid(`No such charge: '${id}'`, 'id', 'resource_missing', 404);
    return charge;
  }

  retrieveRefund(id: string): Refund {
    const refund = this.refunds.get(id);
    if (!refund) throw invalid(`No such refund: '${id}'`, 'id', 'resource_missing', 404);
    return refund;
  }
}
