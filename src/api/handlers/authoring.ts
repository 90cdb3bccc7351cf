import * as authoring from '../../services/authoring';
import * as curriculum from '../../services/curriculumAuthoring';
import { pageBody } from '../pages';
import { requireUser } from '../security';
import { body, type Handler, params, query, type ResponseBody } from '../types';

export const publishCourse: Handler = async (c, _req, res, deps) => {
  const course = await authoring.publishCourse(deps, requireUser(c).id, params<'publishCourse'>(c).course_id);
  res.status(200).json(course satisfies ResponseBody<'publishCourse', 200>);
};

export const unpublishCourse: Handler = async (c, _req, res, deps) => {
  const course = await authoring.unpublishCourse(deps, requireUser(c).id, params<'unpublishCourse'>(c).course_id);
  res.status(200).json(course satisfies ResponseBody<'unpublishCourse', 200>);
};

export const createSection: Handler = async (c, _req, res, deps) => {
  const section = await curriculum.createSection(deps, requireUser(c).id, params<'createSection'>(c).course_id, body<'createSection'>(c));
  res.status(201).json(section satisfies ResponseBody<'createSection', 201>);
};

export const updateSection: Handler = async (c, _req, res, deps) => {
  const { course_id, section_id } = params<'updateSection'>(c);
  const section = await curriculum.updateSection(deps, requireUser(c).id, course_id, section_id, body<'updateSection'>(c));
  res.status(200).json(section satisfies ResponseBody<'updateSection', 200>);
};

export const deleteSection: Handler = async (c, _req, res, deps) => {
  const { course_id, section_id } = params<'deleteSection'>(c);
  await curriculum.deleteSection(deps, requireUser(c).id, course_id, section_id);
  res.status(204).end();
};

export const createLesson: Handler = async (c, _req, res, deps) => {
  const { course_id, section_id } = params<'createLesson'>(c);
  const lesson = await curriculum.createLesson(deps, requireUser(c).id, course_id, section_id, body<'createLesson'>(c));
  res.status(201).json(lesson satisfies ResponseBody<'createLesson', 201>);
};

export const updateLesson: Handler = async (c, _req, res, deps) => {
  const { course_id, lesson_id } = params<'updateLesson'>(c);
  const lesson = await curriculum.updateLesson(deps, requireUser(c).id, course_id, lesson_id, body<'updateLesson'>(c));
  res.status(200).json(lesson satisfies ResponseBody<'updateLesson', 200>);
};

export const deleteLesson: Handler = async (c, _req, res, deps) => {
  const { course_id, lesson_id } = params<'deleteLesson'>(c);
  await curriculum.deleteLesson(deps, requireUser(c).id, course_id, lesson_id);
  res.status(204).end();
};

export const listMyTaughtCourses: Handler = async (c, req, res, deps) => {
  const slice = await authoring.listMyTaughtCourses(deps, requireUser(c).id, query<'listMyTaughtCourses'>(c));
  res.status(200).json(pageBody(c, deps, slice, req.query) satisfies ResponseBody<'listMyTaughtCourses', 200>);
};
