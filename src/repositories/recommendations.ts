import type { Knex } from 'knex';
import type { Level, RatingCounts } from './courses';

export interface RecommendationRow extends RatingCounts {
  id: string;
  title: string;
  slug: string;
  instructor_id: string;
  instructor_first_name: string;
  instructor_last_name: string;
  thumbnail: string | null;
  rating_avg: number;
  student_count: number;
  duration_minutes: number;
  level: Level;
  price_cents: number | null;
  original_price_cents: number | null;
  published_at: Date | null;
  category_name: string | null;
  /** Share of the learners of one of the caller's courses who also took this one (the strongest such course). */
  co_strength: number;
  co_seed_title: string | null;
  /** Share of the caller's courses that are in this course's category. */
  category_share: number;
  /** 1 when the level is the caller's next (or current) level in the category, partial when adjacent. */
  level_fit: number;
  /** A course the caller completed in this category, when this one is the level after it. */
  next_step_after: string | null;
  /** One of the caller's courses by the same instructor. */
  instructor_seed_title: string | null;
  /** Students (log scale, relative to the most popular course) and rating, 0..1. */
  quality: number;
  has_seeds: boolean;
  score: number;
}

const LEVEL = (col: string): string => `(CASE ${col} WHEN 'Beginner' THEN 1 WHEN 'Intermediate' THEN 2 WHEN 'Advanced' THEN 3 END)`;

/**
 * Scores published courses the caller does not own, teach or have in the cart, in one statement:
 * co-enrollment ("learners who took X also took Y", X among the caller's non-refunded enrollments), category
 * share, level fit (a completed course points to the next level), same instructor, and quality. With no
 * enrollment at all only quality counts: popular picks. Candidates are limited to courses reachable through
 * one of those signals plus the most popular ones, so the catalog is never scanned whole.
 */
export async function scoreRecommendations(db: Knex, userId: string, limit: number): Promise<RecommendationRow[]> {
  const result = await db.raw(
    `WITH seeds AS (
       SELECT c.id, c.title, c.category_id, c.instructor_id, ${LEVEL('c.level')} AS level_num, e.status = 'completed' AS completed
       FROM enrollments e JOIN courses c ON c.id = e.course_id
       WHERE e.user_id = :user AND e.status <> 'refunded'
     ),
     excluded AS (
       SELECT course_id AS id FROM enrollments WHERE user_id = :user
       UNION SELECT ci.course_id FROM cart_items ci JOIN carts ca ON ca.id = ci.cart_id WHERE ca.user_id = :user
       UNION SELECT id FROM courses WHERE instructor_id = :user
     ),
     peers AS (
       SELECT e.user_id, e.course_id AS seed_id
       FROM enrollments e JOIN seeds s ON s.id = e.course_id
       WHERE e.user_id <> :user AND e.status IN ('active', 'completed')
     ),
     seed_sizes AS (SELECT seed_id, count(*) AS n FROM peers GROUP BY seed_id),
     co AS (
       SELECT DISTINCT ON (e.course_id) e.course_id, p.seed_id, count(*)::float / max(ss.n) AS strength
       FROM peers p
       JOIN enrollments e ON e.user_id = p.user_id AND e.course_id <> p.seed_id AND e.status IN ('active', 'completed')
       JOIN seed_sizes ss ON ss.seed_id = p.seed_id
       GROUP BY e.course_id, p.seed_id
       ORDER BY e.course_id, strength DESC, p.seed_id
     ),
     seed_categories AS (
       SELECT category_id,
              count(*)::float / (SELECT count(*) FROM seeds) AS share,
              least(3, max(level_num + CASE WHEN completed THEN 1 ELSE 0 END)) AS target_level
       FROM seeds WHERE category_id IS NOT NULL GROUP BY category_id
     ),
     anchors AS (
       SELECT DISTINCT ON (category_id) category_id, title, level_num
       FROM seeds WHERE completed AND level_num IS NOT NULL
       ORDER BY category_id, level_num DESC, title
     ),
     seed_instructors AS (
       SELECT DISTINCT ON (instructor_id) instructor_id, title FROM seeds ORDER BY instructor_id, title
     ),
     candidates AS (
       SELECT course_id AS id FROM co
       UNION SELECT c.id FROM courses c JOIN seed_categories k ON k.category_id = c.category_id WHERE c.is_published
       UNION SELECT c.id FROM courses c JOIN seed_instructors i ON i.instructor_id = c.instructor_id WHERE c.is_published
       UNION (SELECT id FROM courses WHERE is_published ORDER BY student_count DESC, rating_avg DESC, id LIMIT 100)
     ),
     top AS (SELECT greatest(max(student_count), 1) AS max_students FROM courses WHERE is_published),
     scored AS (
       SELECT c.*, u.first_name AS instructor_first_name, u.last_name AS instructor_last_name, cat.name::text AS category_name,
              coalesce(co.strength, 0) AS co_strength, seed.title AS co_seed_title,
              coalesce(k.share, 0) AS category_share,
              CASE WHEN k.category_id IS NULL THEN 0
                   WHEN c.level = 'All Levels' OR k.target_level IS NULL THEN 0.5
                   WHEN ${LEVEL('c.level')} = k.target_level THEN 1
                   WHEN abs(${LEVEL('c.level')} - k.target_level) = 1 THEN 0.4
                   ELSE 0 END AS level_fit,
              CASE WHEN ${LEVEL('c.level')} = a.level_num + 1 THEN a.title END AS next_step_after,
              i.title AS instructor_seed_title,
              0.7 * ln(1 + c.student_count) / ln(1 + top.max_students) + 0.3 * c.rating_avg / 5 AS quality,
              EXISTS (SELECT 1 FROM seeds) AS has_seeds
       FROM candidates cd
       JOIN courses c ON c.id = cd.id
       JOIN users u ON u.id = c.instructor_id
       CROSS JOIN top
       LEFT JOIN categories cat ON cat.id = c.category_id
       LEFT JOIN co ON co.course_id = c.id
       LEFT JOIN courses seed ON seed.id = co.seed_id
       LEFT JOIN seed_categories k ON k.category_id = c.category_id
       LEFT JOIN anchors a ON a.category_id = c.category_id
       LEFT JOIN seed_instructors i ON i.instructor_id = c.instructor_id
       WHERE c.is_published AND c.id NOT IN (SELECT id FROM excluded WHERE id IS NOT NULL)
     )
     SELECT id, title, slug, instructor_id, instructor_first_name, instructor_last_name, thumbnail, rating_avg, rating_count,
            rating_1, rating_2, rating_3, rating_4, rating_5,
            student_count, duration_minutes, level, price_cents, original_price_cents, published_at, category_name,
            co_strength, co_seed_title, category_share, level_fit::float AS level_fit, next_step_after, instructor_seed_title,
            quality::float AS quality, has_seeds,
            (CASE WHEN has_seeds
                  THEN 0.4 * co_strength + 0.2 * category_share + 0.15 * level_fit
                       + 0.1 * (instructor_seed_title IS NOT NULL)::int + 0.15 * quality
                  ELSE quality END)::float AS score
     FROM scored
     ORDER BY score DESC, student_count DESC, id
     LIMIT :limit`,
    { user: userId, limit },
  );
  return (result as { rows: RecommendationRow[] }).rows;
}
