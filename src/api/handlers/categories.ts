import { sendCatalog } from '../../http/cacheControl';
import * as catalog from '../../services/catalog';
import type { Handler, ResponseBody } from '../types';

export const listCategories: Handler = async (_c, req, res, deps) => {
  sendCatalog(req, res, (await catalog.listCategories(deps)) satisfies ResponseBody<'listCategories', 200>);
};
