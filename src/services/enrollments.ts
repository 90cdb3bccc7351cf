import type { Deps } from '../deps';
import { AppError } from '../errors';
import type { Schemas } from '../schemas';
import { PageSlice, pageRequest, pageSlice } from '../pagination';
import { enrollmentDetail, enrollmentListItem } from '../presenters/enrollments';
import { curriculumWithProgress, EnrollmentStatus, findEnrollmentView, listEnrollmentViews } from '../repositories/enrollments';

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
  return pageSlice(rows.map((row) => enrollmentListItem(row, baseUrl)), count, req);
}

/** Another learner's enrollment answers exactly like an unknown one. */
export async function getEnrollment(deps: Deps, userId: string, enrollmentId: string): Promise<Schemas['EnrollmentDetail']> {
  const row = await findEnrollmentView(deps.db, userId, enrollmentId);
  if (!row) throw new AppError('ENROLLMENT_NOT_FOUND');
  const lessons = await curriculumWithProgress(deps.db, row.id, row.course_id);
  return enrollmentDetail(row, lessons, deps.config.publicBaseUrl);
}
