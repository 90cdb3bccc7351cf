import * as enrollments from '../../services/enrollments';
import * as progress from '../../services/progress';
import { pageBody } from '../pages';
import { requireUser } from '../security';
import { body, type Handler, params, query, type ResponseBody } from '../types';

export const listEnrollments: Handler = async (c, _req, res, deps) => {
  const slice = await enrollments.listEnrollments(deps, requireUser(c).id, query<'listEnrollments'>(c));
  res.status(200).json(pageBody(c, deps, slice) satisfies ResponseBody<'listEnrollments', 200>);
};

export const getEnrollment: Handler = async (c, _req, res, deps) => {
  const detail = await enrollments.getEnrollment(deps, requireUser(c).id, params<'getEnrollment'>(c).enrollment_id);
  res.status(200).json(detail satisfies ResponseBody<'getEnrollment', 200>);
};

export const markLessonComplete: Handler = async (c, _req, res, deps) => {
  const { enrollment_id } = params<'markLessonComplete'>(c);
  const result = await progress.markLessonComplete(deps, requireUser(c).id, enrollment_id, body<'markLessonComplete'>(c).lesson_id);
  res.status(200).json(result satisfies ResponseBody<'markLessonComplete', 200>);
};

export const updateLessonProgress: Handler = async (c, _req, res, deps) => {
  const { enrollment_id } = params<'updateLessonProgress'>(c);
  const result = await progress.updateLessonProgress(deps, requireUser(c).id, enrollment_id, body<'updateLessonProgress'>(c));
  res.status(200).json(result satisfies ResponseBody<'updateLessonProgress', 200>);
};

export const enrollInCourse: Handler = async (c, _req, res, deps) => {
  const enrollment = await enrollments.enrollInFreeCourse(deps, requireUser(c).id, params<'enrollInCourse'>(c).course_id);
  res.status(201).json(enrollment satisfies ResponseBody<'enrollInCourse', 201>);
};
