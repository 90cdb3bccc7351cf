import { continueLearning, dashboardStats } from '../../services/dashboard';
import { getGoals, updateGoals } from '../../services/goals';
import { recommendations } from '../../services/recommendations';
import { requireUser } from '../security';
import { body, type Handler, query, type ResponseBody } from '../types';

export const getDashboardStats: Handler = async (c, _req, res, deps) => {
  res.status(200).json((await dashboardStats(deps, requireUser(c).id)) satisfies ResponseBody<'getDashboardStats', 200>);
};

export const getContinueLearning: Handler = async (c, _req, res, deps) => {
  res.status(200).json((await continueLearning(deps, requireUser(c).id)) satisfies ResponseBody<'getContinueLearning', 200>);
};

export const getRecommendations: Handler = async (c, _req, res, deps) => {
  const result = await recommendations(deps, requireUser(c).id, query<'getRecommendations'>(c).limit);
  res.status(200).json(result satisfies ResponseBody<'getRecommendations', 200>);
};

export const getLearningGoals: Handler = async (c, _req, res, deps) => {
  res.status(200).json((await getGoals(deps, requireUser(c).id)) satisfies ResponseBody<'getLearningGoals', 200>);
};

export const updateLearningGoals: Handler = async (c, _req, res, deps) => {
  const goals = await updateGoals(deps, requireUser(c).id, body<'updateLearningGoals'>(c).target_hours_per_month);
  res.status(200).json(goals satisfies ResponseBody<'updateLearningGoals', 200>);
};
