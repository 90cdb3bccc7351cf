import * as catalog from '../../services/catalog';
import type { Handler, ResponseBody } from '../types';

export const listCategories: Handler = async (_c, _req, res, deps) => {
  res.status(200).json((await catalog.listCategories(deps)) satisfies ResponseBody<'listCategories', 200>);
};
