import { InputError } from '../../orchestrator/errors';
import { cancelRun } from '../../orchestrator/engine/cancel-run';
import { requestRunControl, type ControlAction } from '../../orchestrator/engine/request-run-control';
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

/** Asks the Orch process running the run to pause or resume; it records the change in the log. */
export function controlRunHandler(action: ControlAction): RouteHandler {
  return async ({ res, params }, context) => {
    const runId = params.runId ?? '';
    if ((await context.tails.get(runId)) === undefined) return sendError(res, 404, `no run ${JSON.stringify(runId)} in this workspace`);
    try {
      sendOk(res, { action, ...(await requestRunControl(context.paths, runId, action)) });
    } catch (error) {
      if (error instanceof InputError) return sendError(res, 409, error.format());
      throw error;
    }
  };
}
