import type { MessageSnapshot } from '../../protocol/fold-messages';
import { resolveTaskRef } from '../../orchestrator/engine/task-selection';
import { EXIT } from '../../protocol/exit-codes';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { type Command } from '../cli-io';
import { parseCommandArgs } from '../run-cli';
import { findRunId, readRun, workspaceOf } from '../run-lookup';

// `orch messages [runId] [--json]`: every message of a run with its delivery state, and the
// questions waiting for the person.
export const messagesCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, workspace: { type: 'string' }, task: { type: 'string' } }, { min: 0, max: 1, names: '[runId]' });
  const paths = workspaceOf(io, values.workspace);
  const runId = await findRunId(paths, positionals[0]);
  const run = await readRun(paths, runId);
  // Named as diff, answer and resume name it: a short id two PRDs share, or none has, is refused, not guessed at.
  const task = values.task === undefined ? undefined : resolveTaskRef(run, values.task, paths.eventsFile(runId));
  const messages = (run.messages ?? []).filter((m) => task === undefined || m.from === task || m.to === task);
  const questions = openQuestions(run);
  if (values.json === true) {
    io.out(JSON.stringify({ runId: run.runId, messages, questions }, null, 2));
    return EXIT.ok;
  }
  io.out(`run ${run.runId}: ${messages.length} message(s)`);
  for (const m of messages) io.out(describe(m));
  for (const q of questions) io.out(`waiting for your answer: ${q.taskId} asked (${q.messageId}) "${q.question}"  ->  orch answer ${q.taskId} "<text>"`);
  return EXIT.ok;
};

function openQuestions(run: RunSnapshot): { taskId: string; messageId: string; question: string; at: string }[] {
  return run.taskOrder.flatMap((id) => {
    const q = run.tasks[id]?.needsInput;
    return q === undefined ? [] : [{ taskId: id, ...q }];
  });
}

function party(id: string, agent: string | undefined): string {
  return agent === undefined ? id : `${id} (${agent})`;
}

function describe(m: MessageSnapshot): string {
  const state =
    m.state === 'delivered'
      ? `delivered ${m.via ?? ''}${m.attemptId === undefined ? '' : ` to ${m.attemptId}`} at ${m.deliveredAt ?? '?'}`
      : m.state === 'read'
        ? `read at ${m.readAt ?? '?'}`
        : m.state === 'returned'
          ? `returned: ${m.reason ?? ''}`
          : 'pending';
  const kind = m.kind === 'message' ? '' : ` ${m.kind}${m.scope === undefined ? '' : ` to ${m.scope}`}`;
  return `  ${m.id}${kind} ${m.sentAt} ${party(m.from, m.fromAgent)} -> ${party(m.to, m.toAgent)} [${state}]\n      ${m.text.split('\n').join('\n      ')}`;
}
