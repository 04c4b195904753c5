import type { ApiReply } from '../../protocol/dashboard-messages';
import type { RunAction } from '../../protocol/webview-messages';
import { InputError } from '../../orchestrator/errors';
import { cancelRun } from '../../orchestrator/engine/cancel-run';
import type { WorkspacePaths } from '../../orchestrator/workspace/workspace-paths';

/** A run command from the dashboard page, answered as the server's run routes answer it. */
export async function controlRun(paths: WorkspacePaths, runId: string, action: RunAction): Promise<ApiReply<unknown>> {
  if (action !== 'cancel') {
    const hint = action === 'pause' ? 'cancel it, or let the budget pause it' : 'use Orch: Resume';
    return { ok: false, error: `${action} from the dashboard is not implemented yet; ${hint}` };
  }
  try {
    return { ok: true, value: await cancelRun(paths, runId) };
  } catch (error) {
    if (error instanceof InputError) return { ok: false, error: error.format() };
    throw error;
  }
}
