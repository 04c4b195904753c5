import * as vscode from 'vscode';
import { API_KEYS } from '../api-keys';
import type { OrchSession } from '../orch-session';
import type { TreeNode } from '../model/tree-node';

export function registerMiscCommands(session: OrchSession, secrets: vscode.SecretStorage, output: vscode.OutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('orch.refresh', async () => {
      await session.refresh();
      await session.loadAgents();
    }),
    vscode.commands.registerCommand('orch.showLog', () => output.show(true)),
    vscode.commands.registerCommand('orch.openFile', async (node?: TreeNode) => {
      if (node?.file !== undefined) await vscode.window.showTextDocument(vscode.Uri.file(node.file), { preview: true });
    }),
    // A "needs input" notice names the provider whose key was missing or refused: no pick then.
    vscode.commands.registerCommand('orch.setApiKey', async (provider?: unknown) => {
      const choices = API_KEYS.map((k) => ({ label: k.provider, description: `passed to agents as ${k.env}`, key: k }));
      const key = choices.find((c) => c.label === provider) ?? (await vscode.window.showQuickPick(choices, { title: 'Orch: set an API key' }));
      if (key === undefined) return;
      const value = await vscode.window.showInputBox({
        title: `Orch: ${key.label} API key`,
        prompt: 'Stored in VS Code SecretStorage; given to agents only in their environment. Empty removes it.',
        password: true,
        ignoreFocusOut: true,
      });
      if (value === undefined) return;
      if (value.trim() === '') await secrets.delete(key.key.secret);
      else await secrets.store(key.key.secret, value.trim());
      void vscode.window.showInformationMessage(`Orch: ${key.label} API key ${value.trim() === '' ? 'removed' : 'saved'}.`);
    }),
  ];
}
