import type { HandlerMap } from '../types';
import * as auth from './auth';
import * as authoring from './authoring';
import * as cart from './cart';
import * as categories from './categories';
import * as certificates from './certificates';
import * as coupons from './coupons';
import * as courses from './courses';
import * as dashboard from './dashboard';
import * as docs from './docs';
import * as enrollments from './enrollments';
import * as health from './health';
import * as insights from './insights';
import * as orders from './orders';
import * as payments from './payments';
import * as reviews from './reviews';
import * as wishlist from './wishlist';

/** Every operationId of the contract mapped to its handler; `satisfies` makes a missing one a compile error. */
export const handlers = {
  ...health,
  ...auth,
  ...categories,
  ...courses,
  ...authoring,
  ...reviews,
  ...enrollments,
  ...certificates,
  ...dashboard,
  ...cart,
  ...coupons,
  ...wishlist,
  ...orders,
  ...payments,
  ...docs,
  ...insights,
} satisfies HandlerMap;
