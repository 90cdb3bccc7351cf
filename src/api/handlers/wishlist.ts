import * as wishlist from '../../services/wishlist';
import { requireUser } from '../security';
import { body, type Handler, params, type ResponseBody } from '../types';

export const listWishlist: Handler = async (c, _req, res, deps) => {
  res.status(200).json((await wishlist.listWishlist(deps, requireUser(c).id)) satisfies ResponseBody<'listWishlist', 200>);
};

export const addWishlistItem: Handler = async (c, _req, res, deps) => {
  const item = await wishlist.addWishlistItem(deps, requireUser(c).id, body<'addWishlistItem'>(c).course_id);
  res.status(201).json(item satisfies ResponseBody<'addWishlistItem', 201>);
};

export const removeWishlistItem: Handler = async (c, _req, res, deps) => {
  await wishlist.removeWishlistItem(deps, requireUser(c).id, params<'removeWishlistItem'>(c).item_id);
  res.status(204).end();
};

export const moveWishlistItemToCart: Handler = async (c, _req, res, deps) => {
  const item = await wishlist.moveWishlistItemToCart(deps, requireUser(c).id, params<'moveWishlistItemToCart'>(c).item_id);
  res.status(201).json(item satisfies ResponseBody<'moveWishlistItemToCart', 201>);
};
