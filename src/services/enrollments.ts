import type { Deps } from '../deps';
import { withTransaction } from '../db/transaction';
import { AppError } from '../errors';
import type { Schemas } from '../schemas';
import { enqueueJob } from '../jobs/outbox';
import { type PageSlice, pageRequest, pageSlice } from '../pagination';
import { enrollmentDetail, enrollmentListItem } from '../presenters/enrollments';
import { grantEnrollments, ownedCourseIds } from '../repositories/enrollmentGrants';
import { curriculumWithProgress, type EnrollmentStatus, findEnrollmentView, listEnrollmentViews } from '../repositories/enrollments';
import { isFree } from '../repositories/sellableCourses';
import { requirePublishedCourse } from './cart';

/** Without a status filter a learner sees what they can use: active and completed enrollments. */
const DEFAULT_STATUSES: EnrollmentStatus[] = ['active', 'completed'];

export async function listEnrollments(
  deps: Deps,
  userId: string,
  query: { status?: EnrollmentStatus; page?: number; page_size?: number },
): Promise<PageSlice<Schemas['EnrollmentListItem']>> {
  const req = pageRequest(query);
  const statuses = query.status ? [query.status] : DEFAULT_STATUSES;
  const { rows, count } = await listEnrollmentViews(deps.db, userId, statuses, { limit: req.pageSize, offset: req.offset });
  const baseUrl = deps.config.publicBaseUrl;
  return pageSlice(
    rows.map((row) => enrollmentListItem(row, baseUrl)),
    count,
    req,
  );
}

/** Another learner's enrollment answers exactly like an unknown one. */
export async function getEnrollment(deps: Deps, userId: string, enrollmentId: string): Promise<Schemas['EnrollmentDetail']> {
  const row = await findEnrollmentView(deps.db, userId, enrollmentId);
  if (!row) throw new AppError('ENROLLMENT_NOT_FOUND');
  const lessons = await curriculumWithProgress(deps.db, row.id, row.course_id);
  return enrollmentDetail(row, lessons, deps.config.publicBaseUrl);
}

/**
 * Enrolls the user in a free course. Paid courses go through the cart; the unique (user_id, course_id) makes
 * concurrent calls one enrollment; a refunded enrollment comes back active with its progress.
 */
export async function enrollInFreeCourse(deps: Deps, userId: string, courseId: string): Promise<Schemas['FreeEnrollment']> {
  return withTransaction(deps.db, async (trx) => {
    const course = await requirePublishedCourse(trx, courseId);
    if (course.instructor_id === userId) throw new AppError('CANNOT_BUY_OWN_COURSE', 'You cannot enroll in your own course');
    // Already enrolled says more than "not free", whatever the price; the insert below still decides races.
    if ((await ownedCourseIds(trx, userId, [course.id])).size > 0) throw new AppError('ALREADY_ENROLLED');
    if (!isFree(course)) throw new AppError('PAYMENT_REQUIRED');
    const [enrollment] = await grantEnrollments(trx, {
      userId,
      source: 'free',
      orderId: null,
      courses: [{ id: course.id, lessonCount: course.lesson_count }],
    });
    if (!enrollment) throw new AppError('ALREADY_ENROLLED');
    await enqueueJob(trx, 'recompute-course-stats', { courseId: course.id });
    await enqueueJob(trx, 'recompute-learner-stats', { userId });
    await enqueueJob(trx, 'recompute-course-insights', { courseId: course.id });
    return {
      id: enrollment.id,
      course_id: course.id,
      course_title: course.title,
      enrolled_at: enrollment.enrolled_at.toISOString(),
      progress_percent: enrollment.progress_percent,
      lessons_completed: enrollment.lessons_completed,
      total_lessons: enrollment.total_lessons,
      is_completed: enrollment.status === 'completed',
      message: `You are now enrolled in ${course.title}`,
    };
  });
}
