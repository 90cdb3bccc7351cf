import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Schemas } from '../schemas';
import { courseDetail } from '../presenters/courses';
import { listCategoriesWithCounts } from '../repositories/categories';
import { findCourseDetail, instructorStats } from '../repositories/courses';
import { loadCurriculum } from '../repositories/curriculum';
import { listReviews } from '../repositories/reviews';
import { viewerCourseState } from '../repositories/viewerState';
import type { Db } from '../db/knex';

/** Unpublished courses exist for their instructor only; everyone else is told there is no such course. */
export function assertCourseVisible<T extends { is_published: boolean; instructor_id: string }>(
  course: T | undefined,
  viewerId: string | null,
): T {
  if (!course || (!course.is_published && course.instructor_id !== viewerId)) throw new AppError('COURSE_NOT_FOUND');
  return course;
}

export async function listCategories(deps: Deps): Promise<Schemas['CatalogCategoryList']> {
  const rows = await listCategoriesWithCounts(deps.db);
  return {
    results: rows.map((r) => ({ id: r.id, name: r.name, slug: r.slug, description: r.description ?? '', course_count: r.course_count })),
  };
}

const RECENT_REVIEWS = 5;

/**
 * The course page (by UUID or slug) as this viewer may see it. Five queries whatever the curriculum's size: the
 * course, then the instructor's figures, the curriculum with the viewer's progress, the recent reviews and the
 * viewer's status in parallel.
 */
export async function courseView(db: Db, idOrSlug: string, viewerId: string | null): Promise<Schemas['CatalogCourseDetail']> {
  const row = assertCourseVisible(await findCourseDetail(db, idOrSlug), viewerId);
  const [stats, lessons, recentReviews, viewer] = await Promise.all([
    instructorStats(db, row.instructor_id),
    loadCurriculum(db, row.id, viewerId),
    listReviews(db, row.id, { viewerId, ordering: '-created_at', limit: RECENT_REVIEWS, offset: 0 }),
    viewerCourseState(db, viewerId, row.id),
  ]);
  return courseDetail({ row, stats, curriculum: lessons, recentReviews, viewer, isInstructor: viewerId === row.instructor_id });
}

export function getCourse(deps: Deps, idOrSlug: string, viewerId: string | null): Promise<Schemas['CatalogCourseDetail']> {
  return courseView(deps.db, idOrSlug, viewerId);
}
