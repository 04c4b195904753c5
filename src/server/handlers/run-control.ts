import { InputError } from '../../orchestrator/errors';
import { cancelRun } from '../../orchestrator/engine/cancel-run';
import { sendError, sendOk } from '../reply';
import type { RouteHandler } from '../server-context';

export const cancelRunHandler: RouteHandler = async ({ res, params }, context) => {
  const runId = params.runId ?? '';
  if ((await context.tails.get(runId)) === undefined) return sendError(res, 404, `no run ${JSON.stringify(runId)} in this workspace`);
  try {
    sendOk(res, await cancelRun(context.paths, runId));
  } catch (error) {
    if (error instanceof InputError) return sendError(res, 409, error.format());
    throw error;
  }
};

/** The engine has no way yet to pause or resume a run from another process: say so plainly. */
export function notYetHandler(action: 'pause' | 'resume'): RouteHandler {
  return async ({ res }) => {
    const hint = action === 'pause' ? 'cancel it, or let the budget pause it' : "run 'orch resume' in the workspace";
    sendError(res, 501, `${action} from the dashboard is not implemented yet; ${hint}`);
  };
}
