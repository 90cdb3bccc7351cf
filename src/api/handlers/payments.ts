import * as payments from '../../services/payments';
import { handleStripeWebhook as processWebhook } from '../../services/stripeWebhooks';
import { requireUser } from '../security';
import { body, type Handler, type ResponseBody } from '../types';

export const createPaymentIntent: Handler = async (c, _req, res, deps) => {
  const intent = await payments.createPaymentIntent(deps, requireUser(c).id, body<'createPaymentIntent'>(c).order_id);
  res.status(201).json(intent satisfies ResponseBody<'createPaymentIntent', 201>);
};

export const confirmPayment: Handler = async (c, _req, res, deps) => {
  const confirmation = await payments.confirmPayment(deps, requireUser(c).id, body<'confirmPayment'>(c));
  res.status(200).json(confirmation satisfies ResponseBody<'confirmPayment', 200>);
};

/** Authenticated by the Stripe-Signature over the raw bytes (kept for this path by app.ts), not by a token. */
export const handleStripeWebhook: Handler = async (_c, req, res, deps) => {
  const signature = req.headers['stripe-signature'];
  const ack = await processWebhook(deps, req.rawBody, typeof signature === 'string' ? signature : undefined);
  res.status(200).json(ack satisfies ResponseBody<'handleStripeWebhook', 200>);
};
