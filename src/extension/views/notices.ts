import * as vscode from 'vscode';
import type { Notice } from '../model/run-notices';
import type { TreeNode } from '../model/tree-node';
import type { NodeTreeProvider } from './node-tree-provider';

export interface NoticeContext {
  readonly output: vscode.OutputChannel;
  readonly reveal: (nodeId: string) => Promise<void>;
  readonly runId: string | undefined;
}

/** Shows a notice with buttons that do the obvious next thing. */
export async function showNotice(notice: Notice, ctx: NoticeContext): Promise<void> {
  const show = notice.level === 'error' ? vscode.window.showErrorMessage : notice.level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const action = await show(notice.message, ...notice.actions);
  switch (action) {
    case 'Show Log':
      ctx.output.show();
      return;
    case 'Show Task':
      if (notice.taskId !== undefined) await ctx.reveal(`task:${notice.taskId}`);
      return;
    case 'Raise Budget':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'orch.budgetUsd');
      return;
    case 'Retry Task':
      if (notice.taskId !== undefined) await vscode.commands.executeCommand('orch.retryTask', notice.taskId);
      return;
    case 'Set API Key':
      await vscode.commands.executeCommand('orch.setApiKey', notice.provider);
      return;
    case 'Resume':
      await vscode.commands.executeCommand('orch.resume', ctx.runId);
      return;
    case undefined:
      return;
  }
}

export async function revealNode(view: vscode.TreeView<TreeNode>, provider: NodeTreeProvider, id: string): Promise<void> {
  const node = provider.find(id);
  if (node !== undefined) await view.reveal(node, { select: true, focus: true, expand: true });
}
