import { liveHolder } from '../../orchestrator/engine/run-lock';
import { answerQuestion } from '../../orchestrator/messaging/answer-question';
import { EXIT } from '../../protocol/exit-codes';
import { cliAuditedValue } from '../cli-audit';
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
  const answered = await cliAuditedValue(io, paths, { action: 'answer', target: runId, detail: { task: positionals[0]! } }, () => answerQuestion(paths, run, positionals[0]!, positionals[1]!));
  const holder = await liveHolder(paths.lockFile, runId);
  io.out(`answered ${answered.taskId}'s question ${answered.messageId} ("${answered.question}")`);
  io.out(holder === undefined ? `no Orch process is running run ${runId}: 'orch resume ${runId}' delivers the answer` : `Orch (pid ${holder.pid}) delivers it to the waiting agent now`);
  return EXIT.ok;
};
