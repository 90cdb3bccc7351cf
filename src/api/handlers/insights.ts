import * as insights from '../../services/insights';
import { requireUser } from '../security';
import { type Handler, params, query, type ResponseBody } from '../types';

export const getSalesInsights: Handler = async (c, _req, res, deps) => {
  const body = await insights.salesInsights(deps, requireUser(c).id, query<'getSalesInsights'>(c));
  res.status(200).json(body satisfies ResponseBody<'getSalesInsights', 200>);
};

export const getLearnerInsights: Handler = async (c, _req, res, deps) => {
  const body = await insights.learnerInsights(deps, requireUser(c).id, query<'getLearnerInsights'>(c));
  res.status(200).json(body satisfies ResponseBody<'getLearnerInsights', 200>);
};

export const getReviewInsights: Handler = async (c, _req, res, deps) => {
  const body = await insights.reviewInsights(deps, requireUser(c).id, query<'getReviewInsights'>(c));
  res.status(200).json(body satisfies ResponseBody<'getReviewInsights', 200>);
};

export const getCourseEngagement: Handler = async (c, _req, res, deps) => {
  const body = await insights.courseEngagement(deps, requireUser(c).id, params<'getCourseEngagement'>(c).course_id);
  res.status(200).json(body satisfies ResponseBody<'getCourseEngagement', 200>);
};
