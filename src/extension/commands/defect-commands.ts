import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ApiReply } from '../../protocol/dashboard-messages';
import { auditedLocally } from '../../orchestrator/audit/audit-log';
import { reassignDefect, type ReassignTarget } from '../../orchestrator/defects/reassign-defect';
import { InputError } from '../../orchestrator/errors';
import { readAgents } from '../../orchestrator/views/read-agents';
import type { WorkspacePaths } from '../../orchestrator/workspace/workspace-paths';
import { describeError } from '../describe-error';
import type { TreeNode } from '../model/tree-node';
import type { OrchSession } from '../orch-session';

/** A reassignment from the editor (its tree or its dashboard page), audited as the server's route is. */
export async function reassignFromEditor(paths: WorkspacePaths, extensionPath: string, runId: string, defectId: string, to: ReassignTarget): Promise<ApiReply<unknown>> {
  try {
    return await auditedLocally(paths, 'vscode', { action: 'defect.reassign', target: `${runId}/${defectId}` }, async () => ({
      ok: true,
      value: await reassignDefect({ paths, builtinAgentsDir: join(extensionPath, 'agents'), homeDir: homedir() }, runId, defectId, to, 'vscode'),
    }));
  } catch (error) {
    if (error instanceof InputError) return { ok: false, error: error.format() };
    throw error;
  }
}

/** "Reassign Defect" on an open defect in the tree: pick an agent, and its next attempt goes to it. */
export function registerDefectCommands(session: OrchSession, extensionPath: string): vscode.Disposable[] {
  const reassign = async (node?: TreeNode): Promise<void> => {
    const run = session.run;
    const defectId = node?.kind === 'defect' ? node.id.replace(/^defect:/, '') : undefined;
    if (run === undefined || defectId === undefined || run.defects?.[defectId] === undefined) {
      void vscode.window.showInformationMessage('Orch: choose an open defect in the Orch tree to reassign.');
      return;
    }
    try {
      const { agents } = await readAgents({ workspace: session.paths.root, builtinAgentsDir: join(extensionPath, 'agents'), homeDir: homedir() });
      const owner = run.defects[defectId].owner;
      const picked = await vscode.window.showQuickPick(
        agents.map((a) => ({ label: a.name, description: `${a.model}${a.team === null ? '' : ` · ${a.team}`}${a.name === owner.agent ? ' · owner now' : ''}`, detail: a.description })),
        { title: `Reassign ${defectId} (owner: ${owner.agent} on ${owner.model})`, placeHolder: 'the agent that reworks it from the next attempt' },
      );
      if (picked === undefined) return;
      const reply = await reassignFromEditor(session.paths, extensionPath, run.runId, defectId, { agent: picked.label });
      if (!reply.ok) {
        void vscode.window.showErrorMessage(`Orch: ${reply.error}`);
        return;
      }
      void vscode.window.showInformationMessage(`Orch: ${defectId} goes to ${picked.label} from its next attempt.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: could not reassign ${defectId}: ${describeError(error)}`);
    }
  };
  return [vscode.commands.registerCommand('orch.reassignDefect', reassign)];
}
