import * as coupons from '../../services/coupons';
import { pageBody } from '../pages';
import { requireUser } from '../security';
import { body, type Handler, params, query, type ResponseBody } from '../types';

export const listMyCoupons: Handler = async (c, req, res, deps) => {
  const slice = await coupons.listMyCoupons(deps, requireUser(c).id, query<'listMyCoupons'>(c));
  res.status(200).json(pageBody(c, deps, slice, req.query) satisfies ResponseBody<'listMyCoupons', 200>);
};

export const createCoupon: Handler = async (c, _req, res, deps) => {
  const coupon = await coupons.createCoupon(deps, requireUser(c).id, body<'createCoupon'>(c));
  res.status(201).json(coupon satisfies ResponseBody<'createCoupon', 201>);
};

export const getMyCoupon: Handler = async (c, _req, res, deps) => {
  const coupon = await coupons.getMyCoupon(deps, requireUser(c).id, params<'getMyCoupon'>(c).coupon_id);
  res.status(200).json(coupon satisfies ResponseBody<'getMyCoupon', 200>);
};

export const updateMyCoupon: Handler = async (c, _req, res, deps) => {
  const coupon = await coupons.updateMyCoupon(deps, requireUser(c).id, params<'updateMyCoupon'>(c).coupon_id, body<'updateMyCoupon'>(c));
  res.status(200).json(coupon satisfies ResponseBody<'updateMyCoupon', 200>);
};

export const listMyCouponRedemptions: Handler = async (c, req, res, deps) => {
  const { coupon_id } = params<'listMyCouponRedemptions'>(c);
  const slice = await coupons.listMyCouponRedemptions(deps, requireUser(c).id, coupon_id, query<'listMyCouponRedemptions'>(c));
  res.status(200).json(pageBody(c, deps, slice, req.query) satisfies ResponseBody<'listMyCouponRedemptions', 200>);
};
