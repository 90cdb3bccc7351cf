import { sendCatalog } from '../../http/cacheControl';
import * as courses from '../../services/courses';
import type { Handler, ResponseBody } from '../types';

export const listCategories: Handler = async (_c, req, res, deps) => {
  sendCatalog(req, res, (await courses.listCategories(deps)) satisfies ResponseBody<'listCategories', 200>);
};
