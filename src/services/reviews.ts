import type { Knex } from 'knex';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Schemas } from '../schemas';
import { pgCode, PG } from '../db/pgErrors';
import { withTransaction } from '../db/transaction';
import { enqueueJob } from '../jobs/outbox';
import { type PageSlice, pageRequest, pageSlice } from '../pagination';
import { reviewItem } from '../presenters/reviews';
import { findCourseState, lockCourse } from '../repositories/courses';
import {
  countReviews,
  deleteOwnReview,
  findOwnReviewCourse,
  findReview,
  findReviewAccess,
  insertReview,
  listReviews,
  recomputeCourseRatings,
  type ReviewOrdering,
  type ReviewRow,
  setHelpfulVote,
  updateOwnReview,
} from '../repositories/reviews';
import { isEnrolled } from '../repositories/viewerState';
import { assertCourseVisible } from './courses';

export async function listCourseReviews(
  deps: Deps,
  courseId: string,
  viewerId: string | null,
  q: { rating?: number; ordering?: ReviewOrdering; page?: number; page_size?: number },
): Promise<PageSlice<Schemas['ReviewItem']>> {
  assertCourseVisible(await findCourseState(deps.db, courseId), viewerId);
  const page = pageRequest(q);
  const [rows, count] = await Promise.all([
    listReviews(deps.db, courseId, {
      viewerId,
      rating: q.rating,
      ordering: q.ordering ?? '-created_at',
      limit: page.pageSize,
      offset: page.offset,
    }),
    countReviews(deps.db, courseId, q.rating),
  ]);
  return pageSlice(rows.map(reviewItem), count, page);
}

/** Read after the write commits: a concurrent delete by the author can remove it in between. */
async function reviewView(deps: Deps, reviewId: string, viewerId: string): Promise<Schemas['ReviewItem']> {
  const row = await findReview(deps.db, reviewId, viewerId);
  if (!row) throw new AppError('REVIEW_NOT_FOUND');
  return reviewItem(row as ReviewRow);
}

/**
 * Only an enrolled learner reviews, once (the unique constraint decides). The course row is locked first and the
 * rating figures are recomputed from the reviews before commit, so concurrent reviews leave them exact.
 */
export async function createReview(
  deps: Deps,
  userId: string,
  courseId: string,
  input: Schemas['ReviewCreateRequest'],
): Promise<Schemas['ReviewItem']> {
  const id = await withTransaction(deps.db, async (trx) => {
    const course = assertCourseVisible(await lockCourse(trx, courseId), userId);
    if (course.instructor_id === userId || !(await isEnrolled(trx, userId, courseId))) {
      throw new AppError('NOT_ENROLLED');
    }
    const reviewId = await insertReview(trx, {
      course_id: courseId,
      user_id: userId,
      rating: input.rating,
      title: (input.title ?? '').trim(),
      comment: (input.comment ?? '').trim(),
    });
    if (!reviewId) throw new AppError('REVIEW_ALREADY_EXISTS');
    await recomputeCourseRatings(trx, courseId);
    // The author's average_rating_given on the dashboard derives from their reviews.
    await enqueueJob(trx, 'recompute-learner-stats', { userId });
    await enqueueJob(trx, 'recompute-course-insights', { courseId });
    return reviewId;
  });
  return reviewView(deps, id, userId);
}

/** The author's own review, with its course locked for the rating recompute; someone else's is "not found". */
async function withOwnReview(
  deps: Deps,
  userId: string,
  reviewId: string,
  work: (trx: Knex.Transaction, courseId: string) => Promise<void>,
): Promise<void> {
  await withTransaction(deps.db, async (trx) => {
    const courseId = await findOwnReviewCourse(trx, userId, reviewId);
    if (!courseId) throw new AppError('REVIEW_NOT_FOUND');
    // An unpublished course is invisible to all but its instructor, its reviews included.
    const course = await lockCourse(trx, courseId);
    if (!course || (!course.is_published && course.instructor_id !== userId)) throw new AppError('REVIEW_NOT_FOUND');
    await work(trx, courseId);
    await recomputeCourseRatings(trx, courseId);
    await enqueueJob(trx, 'recompute-learner-stats', { userId });
    await enqueueJob(trx, 'recompute-course-insights', { courseId });
  });
}

export async function updateReview(
  deps: Deps,
  userId: string,
  reviewId: string,
  input: Schemas['ReviewUpdateRequest'],
): Promise<Schemas['ReviewItem']> {
  await withOwnReview(deps, userId, reviewId, async (trx) => {
    const changes: Record<string, unknown> = {};
    if (input.rating !== undefined) changes.rating = input.rating;
    if (input.title !== undefined) changes.title = input.title.trim();
    if (input.comment !== undefined) changes.comment = input.comment.trim();
    if (!(await updateOwnReview(trx, userId, reviewId, changes))) throw new AppError('REVIEW_NOT_FOUND');
  });
  return reviewView(deps, reviewId, userId);
}

export async function deleteReview(deps: Deps, userId: string, reviewId: string): Promise<void> {
  await withOwnReview(deps, userId, reviewId, async (trx) => {
    if (!(await deleteOwnReview(trx, userId, reviewId))) throw new AppError('REVIEW_NOT_FOUND');
  });
}

/** Anyone signed in but the author votes; reviews of an unpublished course exist for its instructor only. */
export async function setHelpful(deps: Deps, userId: string, reviewId: string, helpful: boolean): Promise<Schemas['ReviewHelpfulState']> {
  const review = await findReviewAccess(deps.db, reviewId);
  if (!review || (!review.course_is_published && review.course_instructor_id !== userId)) throw new AppError('REVIEW_NOT_FOUND');
  // A review hidden by its author's refund is not there for anyone else.
  if (!review.listed && review.user_id !== userId) throw new AppError('REVIEW_NOT_FOUND');
  if (review.user_id === userId) throw new AppError('PERMISSION_DENIED', 'You cannot vote on your own review.');
  let count: number | undefined;
  try {
    count = await withTransaction(deps.db, (trx) => setHelpfulVote(trx, reviewId, userId, helpful));
  } catch (err) {
    // The review was deleted between the check and the vote.
    if (pgCode(err) === PG.FOREIGN_KEY_VIOLATION) throw new AppError('REVIEW_NOT_FOUND');
    throw err;
  }
  if (count === undefined) throw new AppError('REVIEW_NOT_FOUND');
  return { review_id: reviewId, helpful_count: count, is_helpful_by_me: helpful };
}
