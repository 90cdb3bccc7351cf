import type { Schemas } from '../schemas';
import type { ReviewRow } from '../repositories/reviews';

export function reviewItem(row: ReviewRow): Schemas['ReviewItem'] {
  return {
    id: row.id,
    author: { id: row.user_id, first_name: row.author_first_name, last_name: row.author_last_name, avatar: row.author_avatar },
    rating: row.rating,
    title: row.title ?? '',
    comment: row.comment ?? '',
    helpful_count: row.helpful_count,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    is_helpful_by_me: row.is_helpful_by_me,
  };
}
