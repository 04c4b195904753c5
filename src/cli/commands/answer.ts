import { liveHolder } from '../../orchestrator/engine/run-lock';
import { InputError } from '../../orchestrator/errors';
import { dropAnswer } from '../../orchestrator/messaging/answer-drop';
import { EXIT } from '../../protocol/exit-codes';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { type Command } from '../cli-io';
import { parseCommandArgs } from '../run-cli';
import { findRunId, readRun, workspaceOf } from '../run-lookup';

// `orch answer PRD-1/T2 "text"`: the person's answer to the question a task's agent asked with
// ask_person. Only the run's own process writes its log, so the answer is handed to it as a
// file; with no Orch running, `orch resume` delivers it.
export const answerCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, { workspace: { type: 'string' }, run: { type: 'string' } }, { min: 2, max: 2, names: '<PRD-1/T2> "<text>"' });
  const paths = workspaceOf(io, values.workspace);
  const runId = await findRunId(paths, values.run);
  const run = await readRun(paths, runId);
  const taskId = resolveTask(run, positionals[0]!, paths.eventsFile(runId));
  const text = positionals[1]!;
  if (text.trim() === '') throw new InputError('the answer is empty', undefined, `orch answer ${taskId} "<your answer>"`);
  const question = run.tasks[taskId]?.needsInput;
  if (question === undefined) {
    const open = Object.values(run.tasks).filter((t) => t.needsInput !== undefined).map((t) => t.id);
    throw new InputError(
      `${taskId} has no open question in run ${runId} (it is ${run.tasks[taskId]?.state ?? 'unknown'})`,
      { file: paths.eventsFile(runId) },
      open.length === 0 ? 'no task is waiting for an answer' : `tasks waiting for an answer: ${open.join(', ')}`,
    );
  }
  await dropAnswer(paths.runDir(runId), { taskId, text });
  const holder = await liveHolder(paths.lockFile, runId);
  io.out(`answered ${taskId}'s question ${question.messageId} ("${question.question}")`);
  io.out(holder === undefined ? `no Orch process is running run ${runId}: 'orch resume ${runId}' delivers the answer` : `Orch (pid ${holder.pid}) delivers it to the waiting agent now`);
  return EXIT.ok;
};

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
