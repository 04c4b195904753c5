import type { ApiReply } from '../../protocol/dashboard-messages';
import type { RunAction } from '../../protocol/webview-messages';
import { InputError } from '../../orchestrator/errors';
import { cancelRun } from '../../orchestrator/engine/cancel-run';
import { requestRunControl } from '../../orchestrator/engine/request-run-control';
import { auditedLocally } from '../../orchestrator/audit/audit-log';
import type { WorkspacePaths } from '../../orchestrator/workspace/workspace-paths';

/** A run command from the dashboard page, answered as the server's run routes answer it. */
export async function controlRun(paths: WorkspacePaths, runId: string, action: RunAction): Promise<ApiReply<unknown>> {
  try {
    // Pause and resume go to the process running the run (it is the log's only writer).
    return await auditedLocally(paths, 'vscode', { action: `run.${action}`, target: runId }, async () => {
      if (action !== 'cancel') return { ok: true, value: { action, ...(await requestRunControl(paths, runId, action)) } };
      return { ok: true, value: await cancelRun(paths, runId) };
    });
  } catch (error) {
    if (error instanceof InputError) return { ok: false, error: error.format() };
    throw error;
  }
}
