import * as auth from '../../services/auth';
import { currentUserView, userSummary } from '../../presenters/users';
import { profileFigures } from '../../services/learnerStats';
import { requireUser } from '../security';
import { body, type Handler, type ResponseBody } from '../types';

export const registerUser: Handler = async (c, req, res, deps) => {
  const { user, tokens } = await auth.register(deps, body<'registerUser'>(c), req.ip ?? 'unknown');
  res.status(201).json({ ...userSummary(user), ...tokens } satisfies ResponseBody<'registerUser', 201>);
};

export const loginUser: Handler = async (c, req, res, deps) => {
  const { user, tokens } = await auth.login(deps, body<'loginUser'>(c), req.ip ?? 'unknown');
  res.status(200).json({ ...tokens, user: userSummary(user) } satisfies ResponseBody<'loginUser', 200>);
};

export const refreshToken: Handler = async (c, _req, res, deps) => {
  const tokens = await auth.refresh(deps, body<'refreshToken'>(c).refresh_token);
  res.status(200).json(tokens satisfies ResponseBody<'refreshToken', 200>);
};

export const logoutUser: Handler = async (c, _req, res, deps) => {
  await auth.logout(deps, requireUser(c).id, body<'logoutUser'>(c).refresh_token);
  res.status(204).end();
};

export const getCurrentUser: Handler = async (c, _req, res, deps) => {
  const user = await auth.requireUser(deps, requireUser(c).id);
  res.status(200).json(currentUserView(user, await profileFigures(deps.db, user)) satisfies ResponseBody<'getCurrentUser', 200>);
};

export const updateCurrentUser: Handler = async (c, _req, res, deps) => {
  const { id } = requireUser(c);
  await auth.requireUser(deps, id);
  await auth.updateProfile(deps, id, body<'updateCurrentUser'>(c));
  const user = await auth.requireUser(deps, id);
  res.status(200).json(currentUserView(user, await profileFigures(deps.db, user)) satisfies ResponseBody<'updateCurrentUser', 200>);
};

export const changePassword: Handler = async (c, req, res, deps) => {
  await auth.changePassword(deps, requireUser(c).id, body<'changePassword'>(c), req.ip ?? 'unknown');
  res.status(204).end();
};

export const becomeInstructor: Handler = async (c, _req, res, deps) => {
  const { id } = requireUser(c);
  await auth.becomeInstructor(deps, id, (body<'becomeInstructor'>(c) as { bio?: string } | undefined)?.bio);
  const user = await auth.requireUser(deps, id);
  res.status(200).json(currentUserView(user, await profileFigures(deps.db, user)) satisfies ResponseBody<'becomeInstructor', 200>);
};
