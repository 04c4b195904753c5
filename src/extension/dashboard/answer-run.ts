import type { ApiReply } from '../../protocol/dashboard-messages';
import { InputError } from '../../orchestrator/errors';
import { auditedLocally } from '../../orchestrator/audit/audit-log';
import { answerQuestion } from '../../orchestrator/messaging/answer-question';
import type { RunTails } from '../../orchestrator/views/run-tails';
import type { WorkspacePaths } from '../../orchestrator/workspace/workspace-paths';

/** The question banner's answer from the dashboard page, answered as the server's answers route answers it. */
export async function answerRun(paths: WorkspacePaths, tails: RunTails, runId: string, task: string, text: string): Promise<ApiReply<unknown>> {
  const run = (await tails.get(runId))?.snapshot;
  if (run === undefined) return { ok: false, error: `no run ${JSON.stringify(runId)} in this workspace` };
  try {
    return await auditedLocally(paths, 'vscode', { action: 'answer', target: runId }, async () => ({ ok: true, value: await answerQuestion(paths, run, task, text) }));
  } catch (error) {
    if (error instanceof InputError) return { ok: false, error: error.format() };
    throw error;
  }
}
