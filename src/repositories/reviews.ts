import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { intParam, param, runReadShape } from '../db/sqlShapes';

export interface ReviewRow {
  id: string;
  course_id: string;
  user_id: string;
  rating: number;
  title: string | null;
  comment: string | null;
  helpful_count: number;
  created_at: Date;
  updated_at: Date;
  author_first_name: string;
  author_last_name: string;
  author_avatar: string | null;
  is_helpful_by_me: boolean;
}

export type ReviewOrdering = '-created_at' | 'created_at' | '-helpful_count' | 'helpful_count' | '-rating' | 'rating';

// Ties: newest first, then id.
const ORDER: Record<ReviewOrdering, Array<[string, 'asc' | 'desc']>> = {
  '-created_at': [
    ['r.created_at', 'desc'],
    ['r.id', 'asc'],
  ],
  created_at: [
    ['r.created_at', 'asc'],
    ['r.id', 'asc'],
  ],
  '-helpful_count': [
    ['r.helpful_count', 'desc'],
    ['r.created_at', 'desc'],
    ['r.id', 'asc'],
  ],
  helpful_count: [
    ['r.helpful_count', 'asc'],
    ['r.created_at', 'desc'],
    ['r.id', 'asc'],
  ],
  '-rating': [
    ['r.rating', 'desc'],
    ['r.created_at', 'desc'],
    ['r.id', 'asc'],
  ],
  rating: [
    ['r.rating', 'asc'],
    ['r.created_at', 'desc'],
    ['r.id', 'asc'],
  ],
};

/**
 * A review counts only while its author owns the course (an enrollment that is not refunded): a refund hides it
 * from every list and from the rating figures, a re-purchase shows it again. `alias` names the reviews table.
 */
export function authorOwnsCourse(db: Db, alias = 'r'): Knex.Raw {
  return db.raw(
    `EXISTS (SELECT 1 FROM enrollments e
      WHERE e.user_id = ??.user_id AND e.course_id = ??.course_id AND e.status IN ('active', 'completed'))`,
    [alias, alias],
  );
}

/** Reviews with their author and the viewer's own vote; narrow it with where/order/limit. */
export function reviewsQuery(db: Db, viewerId: string | null): Knex.QueryBuilder {
  return db({ r: 'reviews' })
    .join({ u: 'users' }, 'u.id', 'r.user_id')
    .leftJoin({ v: 'review_votes' }, (on) => on.on('v.review_id', 'r.id').andOn('v.user_id', db.raw('?', [viewerId])))
    .select(
      'r.id',
      'r.course_id',
      'r.user_id',
      'r.rating',
      'r.title',
      'r.comment',
      'r.helpful_count',
      'r.created_at',
      'r.updated_at',
      'u.first_name AS author_first_name',
      'u.last_name AS author_last_name',
      'u.profile_picture AS author_avatar',
      db.raw('(v.user_id IS NOT NULL) AS is_helpful_by_me'),
    );
}

export function listReviews(
  db: Db,
  courseId: string,
  opts: { viewerId: string | null; rating?: number; ordering: ReviewOrdering; limit: number; offset: number },
): Promise<ReviewRow[]> {
  // One SQL text per ordering and rating filter (src/db/sqlShapes.ts): the course page runs this on every view.
  const rated = opts.rating !== undefined;
  return runReadShape<ReviewRow>(
    db,
    `listReviews:${opts.ordering}:${rated}`,
    () => {
      const query = reviewsQuery(db, param('viewer')).where('r.course_id', param('course')).where(authorOwnsCourse(db));
      if (rated) query.where('r.rating', param('rating'));
      for (const [column, dir] of ORDER[opts.ordering]) query.orderBy(column, dir);
      return query.limit(intParam('limit')).offset(intParam('offset'));
    },
    { viewer: opts.viewerId, course: courseId, rating: opts.rating, limit: opts.limit, offset: opts.offset },
  );
}

export function findReview(db: Db, reviewId: string, viewerId: string | null): Promise<ReviewRow | undefined> {
  return reviewsQuery(db, viewerId).where('r.id', reviewId).first();
}

/**
 * Rederives the course's rating figures from its listed reviews. Called after every review change and every
 * change of a reviewer's access (refund, re-purchase), in the same transaction and with the course row locked,
 * so concurrent reviews serialize and the figures stay exact.
 */
export async function recomputeCourseRatings(trx: Knex.Transaction, courseId: string): Promise<void> {
  await trx.raw(
    `UPDATE courses c SET
       rating_avg = t.avg, rating_count = t.n, review_count = t.n,
       rating_1 = t.r1, rating_2 = t.r2, rating_3 = t.r3, rating_4 = t.r4, rating_5 = t.r5
     FROM (
       SELECT count(*)::int AS n, coalesce(round(avg(rating), 2), 0) AS avg,
              count(*) FILTER (WHERE rating = 1)::int AS r1, count(*) FILTER (WHERE rating = 2)::int AS r2,
              count(*) FILTER (WHERE rating = 3)::int AS r3, count(*) FILTER (WHERE rating = 4)::int AS r4,
              count(*) FILTER (WHERE rating = 5)::int AS r5
       FROM reviews r WHERE r.course_id = ? AND ${authorOwnsCourse(trx).toQuery()}
     ) t
     WHERE c.id = ?`,
    [courseId, courseId],
  );
}

export async function countReviews(db: Db, courseId: string, rating: number | undefined): Promise<number> {
  const query = db({ r: 'reviews' }).where('r.course_id', courseId).where(authorOwnsCourse(db));
  if (rating !== undefined) query.where('r.rating', rating);
  const [row] = await query.count({ n: '*' });
  return Number((row as { n: number }).n);
}

/** Who wrote the review and who may see it (its course's publication and instructor). */
export interface ReviewAccessRow {
  id: string;
  user_id: string;
  course_id: string;
  course_is_published: boolean;
  course_instructor_id: string;
  /** False while the author's enrollment is refunded: the review is hidden from everyone but its author. */
  listed: boolean;
}

export function findReviewAccess(db: Db, reviewId: string): Promise<ReviewAccessRow | undefined> {
  return db({ r: 'reviews' })
    .join({ c: 'courses' }, 'c.id', 'r.course_id')
    .where('r.id', reviewId)
    .first(
      'r.id',
      'r.user_id',
      'r.course_id',
      'c.is_published AS course_is_published',
      'c.instructor_id AS course_instructor_id',
      db.raw(`${authorOwnsCourse(db).toQuery()} AS listed`),
    );
}

/**
 * Adds or withdraws the user's helpful vote. The vote's primary key decides: the counter moves only when the
 * insert (or delete) really changed a row, in the same transaction, so it always equals the number of votes.
 * undefined when the review is gone.
 */
export async function setHelpfulVote(
  trx: Knex.Transaction,
  reviewId: string,
  userId: string,
  helpful: boolean,
): Promise<number | undefined> {
  const changed = helpful
    ? (
        (await trx('review_votes')
          .insert({ review_id: reviewId, user_id: userId })
          .onConflict(['review_id', 'user_id'])
          .ignore()
          .returning('review_id')) as unknown[]
      ).length
    : await trx('review_votes').where({ review_id: reviewId, user_id: userId }).delete();
  const query = trx('reviews').where({ id: reviewId });
  if (changed > 0) {
    const [row] = (await query[helpful ? 'increment' : 'decrement']('helpful_count', 1).returning('helpful_count')) as Array<{
      helpful_count: number;
    }>;
    return row?.helpful_count;
  }
  const row = (await query.first('helpful_count')) as { helpful_count: number } | undefined;
  return row?.helpful_count;
}

/**
 * The learner's access to these courses changed (refunded, or bought again): the courses they reviewed get
 * their figures rederived, each with its row locked (in id order, so two such transactions cannot deadlock).
 */
export async function recomputeRatingsOfReviewer(trx: Knex.Transaction, userId: string, courseIds: string[]): Promise<void> {
  if (courseIds.length === 0) return;
  const reviewed = (await trx('reviews')
    .where({ user_id: userId })
    .whereIn('course_id', courseIds)
    .orderBy('course_id')
    .pluck('course_id')) as string[];
  for (const courseId of reviewed) {
    await trx('courses').where({ id: courseId }).forNoKeyUpdate().first('id');
    await recomputeCourseRatings(trx, courseId);
  }
}

/** One review per learner and course (the unique constraint decides): undefined when theirs exists already. */
export async function insertReview(
  trx: Knex.Transaction,
  review: { course_id: string; user_id: string; rating: number; title: string; comment: string },
): Promise<string | undefined> {
  const [row] = (await trx('reviews').insert(review).onConflict(['course_id', 'user_id']).ignore().returning('id')) as Array<{
    id: string;
  }>;
  return row?.id;
}

/** The course of the author's own review; undefined for someone else's. */
export async function findOwnReviewCourse(trx: Knex.Transaction, userId: string, reviewId: string): Promise<string | undefined> {
  const review = (await trx('reviews').where({ id: reviewId, user_id: userId }).first('course_id')) as { course_id: string } | undefined;
  return review?.course_id;
}

/** False when the review is gone (or not the author's). */
export async function updateOwnReview(
  trx: Knex.Transaction,
  userId: string,
  reviewId: string,
  changes: Record<string, unknown>,
): Promise<boolean> {
  return (
    (await trx('reviews')
      .where({ id: reviewId, user_id: userId })
      .update({ ...changes, updated_at: trx.fn.now() })) > 0
  );
}

export async function deleteOwnReview(trx: Knex.Transaction, userId: string, reviewId: string): Promise<boolean> {
  return (await trx('reviews').where({ id: reviewId, user_id: userId }).delete()) > 0;
}
