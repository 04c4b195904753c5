import type { RunSnapshot } from '../../protocol/run-snapshot';

export interface OpenQuestion {
  readonly runId: string;
  readonly taskId: string;
  readonly messageId: string;
  readonly question: string;
}

/**
 * Questions an agent asked (ask_person) that are open now and were not before: each is shown
 * once, as it is asked, not again on every fold nor for an old log that is opened.
 */
export function newQuestions(before: RunSnapshot | undefined, after: RunSnapshot | undefined): OpenQuestion[] {
  if (after === undefined || before?.runId !== after.runId) return [];
  return after.taskOrder.flatMap((id) => {
    const q = after.tasks[id]?.needsInput;
    if (q === undefined || before.tasks[id]?.needsInput?.messageId === q.messageId) return [];
    return [{ runId: after.runId, taskId: id, messageId: q.messageId, question: q.question }];
  });
}
