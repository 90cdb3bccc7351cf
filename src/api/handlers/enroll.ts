import { enrollInFreeCourse } from '../../services/enrollment';
import { requireUser } from '../security';
import { Handler, params, ResponseBody } from '../types';

export const enrollInCourse: Handler = async (c, _req, res, deps) => {
  const enrollment = await enrollInFreeCourse(deps, requireUser(c).id, params<'enrollInCourse'>(c).course_id);
  res.status(201).json(enrollment satisfies ResponseBody<'enrollInCourse', 201>);
};
