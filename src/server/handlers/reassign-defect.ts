import { InputError } from '../../orchestrator/errors';
import { reassignDefect } from '../../orchestrator/defects/reassign-defect';
import type { ReassignDefectRequest } from '../../protocol/api-schemas';
import { sendError, sendOk } from '../reply';
import type { RouteHandler } from '../server-context';

/** `POST /runs/:id/defects/:defectId/reassign`: handed to the run's process, which records it before the task's next attempt. */
export const reassignDefectHandler: RouteHandler = async ({ res, params, body, principal, outcome }, context) => {
  const runId = params.runId ?? '';
  const defectId = params.defectId ?? '';
  if ((await context.tails.get(runId)) === undefined) return sendError(res, 404, `no run ${JSON.stringify(runId)} in this workspace`);
  const request = body as ReassignDefectRequest;
  outcome.target = `${runId}/${defectId}`;
  outcome.detail = { agent: request.agent, ...(request.model === undefined ? {} : { model: request.model }) };
  try {
    sendOk(res, await reassignDefect(context, runId, defectId, request, principal?.name ?? 'api'));
  } catch (error) {
    if (error instanceof InputError) return sendError(res, 409, error.format());
    throw error;
  }
};
