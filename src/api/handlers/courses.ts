import { sendCatalog } from '../../http/cacheControl';
import { pageBody } from '../pages';
import * as authoring from '../../services/authoring';
import * as courses from '../../services/courses';
import { listCourses as searchCourses } from '../../services/courseSearch';
import { optionalUser, requireUser } from '../security';
import { body, type Handler, params, query, type ResponseBody } from '../types';

export const listCourses: Handler = async (c, req, res, deps) => {
  const { facets, ...slice } = await searchCourses(deps, optionalUser(c)?.id ?? null, query<'listCourses'>(c));
  // The links keep the query as the client sent it (before coercion).
  // Extended in place, not spread into a new literal (see courseListItem in src/presenters/courses.ts).
  const page = Object.assign(pageBody(c, deps, slice, req.query), { facets });
  sendCatalog(req, res, page satisfies ResponseBody<'listCourses', 200>);
};

export const getCourse: Handler = async (c, req, res, deps) => {
  const course = await courses.getCourse(deps, params<'getCourse'>(c).course_id, optionalUser(c)?.id ?? null);
  sendCatalog(req, res, course satisfies ResponseBody<'getCourse', 200>);
};

export const createCourse: Handler = async (c, _req, res, deps) => {
  const course = await authoring.createCourse(deps, requireUser(c).id, body<'createCourse'>(c));
  res.status(201).json(course satisfies ResponseBody<'createCourse', 201>);
};

export const updateCourse: Handler = async (c, _req, res, deps) => {
  const course = await authoring.updateCourse(deps, requireUser(c).id, params<'updateCourse'>(c).course_id, body<'updateCourse'>(c));
  res.status(200).json(course satisfies ResponseBody<'updateCourse', 200>);
};
