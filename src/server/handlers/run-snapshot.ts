import { sendError, sendOk } from '../reply';
import type { RouteHandler } from '../server-context';

export const runSnapshotHandler: RouteHandler = async ({ res, params }, context) => {
  const runId = params.runId ?? '';
  const tail = await context.tails.get(runId);
  if (tail?.snapshot === undefined) return sendError(res, 404, `no run ${JSON.stringify(runId)} in this workspace`);
  sendOk(res, tail.snapshot);
};
