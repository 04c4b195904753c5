import * as vscode from 'vscode';
import { describeError } from '../describe-error';
import type { OrchSession } from '../orch-session';

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Add Agent scaffolds a Claude Code sub-agent file in `.orch/agents/`; Reload Agents rereads every folder. */
export function registerAgentCommands(session: OrchSession): vscode.Disposable[] {
  const addAgent = async (): Promise<void> => {
    const name = await vscode.window.showInputBox({
      title: 'Orch: new agent (1/3): name',
      prompt: 'Lowercase letters, digits and hyphens, e.g. api-designer',
      validateInput: (value) => (NAME.test(value) ? undefined : `"${value}" is not a valid agent name: use lowercase letters, digits and hyphens`),
    });
    if (name === undefined) return;
    const description = await vscode.window.showInputBox({ title: 'Orch: new agent (2/3): description', prompt: 'When to use this agent (Claude Code shows it to the leader)', validateInput: (v) => (v.trim() === '' ? 'a description is required' : undefined) });
    if (description === undefined) return;
    const model = await vscode.window.showQuickPick(['sonnet', 'opus', 'haiku', 'inherit'], { title: 'Orch: new agent (3/3): model' });
    if (model === undefined) return;
    try {
      const agent = await session.addAgent({
        name,
        description: description.trim(),
        model,
        phases: ['implementation'],
        prompt: `You are ${name}. ${description.trim()}\n\nWork only on the task you are given, in the current directory, and say what you changed.`,
      });
      await vscode.window.showTextDocument(vscode.Uri.file(agent.source), { preview: false });
      void vscode.window.showInformationMessage(`Orch: added agent ${agent.name} in ${vscode.workspace.asRelativePath(agent.source)}.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot add the agent: ${describeError(error)}`);
    }
  };
  return [
    vscode.commands.registerCommand('orch.addAgent', addAgent),
    vscode.commands.registerCommand('orch.reloadAgents', () => session.reloadAgents().catch((error: unknown) => void vscode.window.showErrorMessage(`Orch: ${describeError(error)}`))),
  ];
}
