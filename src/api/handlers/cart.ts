import * as cart from '../../services/cart';
import * as cartCoupons from '../../services/cartCoupons';
import { requireUser } from '../security';
import { body, type Handler, params, type ResponseBody } from '../types';

export const getCart: Handler = async (c, _req, res, deps) => {
  res.status(200).json((await cart.getCart(deps, requireUser(c).id)) satisfies ResponseBody<'getCart', 200>);
};

export const clearCart: Handler = async (c, _req, res, deps) => {
  await cart.clearCart(deps, requireUser(c).id);
  res.status(204).end();
};

export const addCartItem: Handler = async (c, _req, res, deps) => {
  const item = await cart.addCartItem(deps, requireUser(c).id, body<'addCartItem'>(c).course_id);
  res.status(201).json(item satisfies ResponseBody<'addCartItem', 201>);
};

export const removeCartItem: Handler = async (c, _req, res, deps) => {
  await cart.removeCartItem(deps, requireUser(c).id, params<'removeCartItem'>(c).item_id);
  res.status(204).end();
};

export const applyCartCoupon: Handler = async (c, _req, res, deps) => {
  const cartBody = await cartCoupons.applyCartCoupon(deps, requireUser(c).id, body<'applyCartCoupon'>(c).code);
  res.status(200).json(cartBody satisfies ResponseBody<'applyCartCoupon', 200>);
};

export const removeCartCoupon: Handler = async (c, _req, res, deps) => {
  await cartCoupons.removeCartCoupon(deps, requireUser(c).id, params<'removeCartCoupon'>(c).code);
  res.status(204).end();
};
