import * as orders from '../../services/orders';
import { orderReceipt } from '../../services/receipts';
import { requestRefund } from '../../services/refunds';
import { pageBody } from '../pages';
import { requireUser } from '../security';
import { body, type Handler, params, query, type ResponseBody } from '../types';

export const createOrderFromCart: Handler = async (c, _req, res, deps) => {
  // 201 for the pending order returned again too: an idempotent replay answers as the first call did, so a
  // client (and the mock, which serves the lowest 2xx) has one success status, the guide's.
  const { order } = await orders.createOrderFromCart(deps, requireUser(c).id, body<'createOrderFromCart'>(c).billing_address);
  res.status(201).json(order satisfies ResponseBody<'createOrderFromCart', 201>);
};

export const listOrders: Handler = async (c, _req, res, deps) => {
  const slice = await orders.listOrders(deps, requireUser(c).id, query<'listOrders'>(c));
  res.status(200).json(pageBody(c, deps, slice) satisfies ResponseBody<'listOrders', 200>);
};

export const getOrder: Handler = async (c, _req, res, deps) => {
  res
    .status(200)
    .json((await orders.getOrder(deps, requireUser(c).id, params<'getOrder'>(c).order_id)) satisfies ResponseBody<'getOrder', 200>);
};

export const downloadOrderReceipt: Handler = async (c, _req, res, deps) => {
  const { filename, pdf } = await orderReceipt(deps, requireUser(c).id, params<'downloadOrderReceipt'>(c).order_id);
  res.status(200).type('application/pdf').setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(pdf);
};

export const requestOrderRefund: Handler = async (c, _req, res, deps) => {
  const reason = (body<'requestOrderRefund'>(c) as { reason?: string } | undefined)?.reason;
  const order = await requestRefund(deps, requireUser(c).id, params<'requestOrderRefund'>(c).order_id, reason);
  res.status(200).json(order satisfies ResponseBody<'requestOrderRefund', 200>);
};
