import { readRunHistory } from '../../orchestrator/views/run-history';
import { sendError, sendOk } from '../reply';
import type { RouteHandler } from '../server-context';

/** `?roadmap=FILE`: one point per run of that roadmap, oldest first (the learning curve). */
export const runHistoryHandler: RouteHandler = async ({ res, url }, context) => {
  const roadmap = url.searchParams.get('roadmap');
  if (roadmap === null || roadmap === '') return sendError(res, 400, 'roadmap is required: GET /api/v1/history?roadmap=FILE');
  sendOk(res, await readRunHistory(context.paths, roadmap));
};
