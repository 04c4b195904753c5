import { InputError } from '../../orchestrator/errors';
import { answerQuestion } from '../../orchestrator/messaging/answer-question';
import type { AnswerRequest } from '../../protocol/answer-schemas';
import { sendError, sendOk } from '../reply';
import type { RouteHandler } from '../server-context';

/** The person's answer from the dashboard's form, handed over as `orch answer` hands it. */
export const answerQuestionHandler: RouteHandler = async ({ res, params, body, outcome }, context) => {
  const runId = params.runId ?? '';
  const tail = await context.tails.get(runId);
  if (tail?.snapshot === undefined) return sendError(res, 404, `no run ${JSON.stringify(runId)} in this workspace`);
  const { task, text } = body as AnswerRequest;
  try {
    const answered = await answerQuestion(context.paths, tail.snapshot, task, text);
    outcome.target = `${runId} ${answered.taskId}`;
    sendOk(res, answered);
  } catch (error) {
    if (error instanceof InputError) return sendError(res, 409, error.format());
    throw error;
  }
};
