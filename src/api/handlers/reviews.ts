import * as reviews from '../../services/reviews';
import { pageBody } from '../pages';
import { optionalUser, requireUser } from '../security';
import { body, type Handler, params, query, type ResponseBody } from '../types';

export const listCourseReviews: Handler = async (c, req, res, deps) => {
  const slice = await reviews.listCourseReviews(
    deps,
    params<'listCourseReviews'>(c).course_id,
    optionalUser(c)?.id ?? null,
    query<'listCourseReviews'>(c),
  );
  res.status(200).json(pageBody(c, deps, slice, req.query) satisfies ResponseBody<'listCourseReviews', 200>);
};

export const createCourseReview: Handler = async (c, _req, res, deps) => {
  const review = await reviews.createReview(
    deps,
    requireUser(c).id,
    params<'createCourseReview'>(c).course_id,
    body<'createCourseReview'>(c),
  );
  res.status(201).json(review satisfies ResponseBody<'createCourseReview', 201>);
};

export const updateReview: Handler = async (c, _req, res, deps) => {
  const review = await reviews.updateReview(deps, requireUser(c).id, params<'updateReview'>(c).review_id, body<'updateReview'>(c));
  res.status(200).json(review satisfies ResponseBody<'updateReview', 200>);
};

export const deleteReview: Handler = async (c, _req, res, deps) => {
  await reviews.deleteReview(deps, requireUser(c).id, params<'deleteReview'>(c).review_id);
  res.status(204).end();
};

export const markReviewHelpful: Handler = async (c, _req, res, deps) => {
  const state = await reviews.setHelpful(deps, requireUser(c).id, params<'markReviewHelpful'>(c).review_id, true);
  res.status(200).json(state satisfies ResponseBody<'markReviewHelpful', 200>);
};

export const unmarkReviewHelpful: Handler = async (c, _req, res, deps) => {
  const state = await reviews.setHelpful(deps, requireUser(c).id, params<'unmarkReviewHelpful'>(c).review_id, false);
  res.status(200).json(state satisfies ResponseBody<'unmarkReviewHelpful', 200>);
};
