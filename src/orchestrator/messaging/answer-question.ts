// The person's answer to a task's ask_person question, checked against the run and handed to
// the process running it. `orch answer`, the dashboard's form (HTTP and VS Code) all come here.

import type { RunSnapshot } from '../../protocol/run-snapshot';
import { InputError } from '../errors';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { dropAnswer } from './answer-drop';

export interface AnswerDropped {
  readonly taskId: string;
  /** The question's message id. */
  readonly messageId: string;
  readonly question: string;
}

/** `task`: a qualified id (PRD-1/T2) or one unique in the run (T2). */
export async function answerQuestion(paths: WorkspacePaths, run: RunSnapshot, task: string, text: string): Promise<AnswerDropped> {
  const file = paths.eventsFile(run.runId);
  const taskId = resolveTask(run, task, file);
  if (text.trim() === '') throw new InputError('the answer is empty', undefined, `orch answer ${taskId} "<your answer>"`);
  const question = run.tasks[taskId]?.needsInput;
  if (question === undefined) {
    const open = Object.values(run.tasks).filter((t) => t.needsInput !== undefined).map((t) => t.id);
    throw new InputError(
      `${taskId} has no open question in run ${run.runId} (it is ${run.tasks[taskId]?.state ?? 'unknown'})`,
      { file },
      open.length === 0 ? 'no task is waiting for an answer' : `tasks waiting for an answer: ${open.join(', ')}`,
    );
  }
  await dropAnswer(paths.runDir(run.runId), { taskId, text });
  return { taskId, messageId: question.messageId, question: question.question };
}

function resolveTask(run: RunSnapshot, name: string, file: string): string {
  if (run.tasks[name] !== undefined) return name;
  const matches = Object.keys(run.tasks).filter((id) => id.endsWith(`/${name}`));
  if (matches.length === 1) return matches[0]!;
  throw new InputError(
    matches.length > 1 ? `${name} names ${matches.length} tasks (${matches.join(', ')})` : `no task ${name} in run ${run.runId}`,
    { file },
    `tasks: ${run.taskOrder.join(', ')}`,
  );
}
