import { listRuns } from '../../orchestrator/views/list-runs';
import { sendOk } from '../reply';
import type { RouteHandler } from '../server-context';

export const listRunsHandler: RouteHandler = async ({ res }, context) => {
  sendOk(res, await listRuns(context.paths));
};
