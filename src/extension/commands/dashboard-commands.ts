import * as vscode from 'vscode';
import { describeError } from '../describe-error';
import { BrowserDashboard } from '../dashboard/browser-dashboard';
import { DashboardPanel } from '../dashboard/dashboard-panel';
import { dashboardTarget } from '../model/dashboard-target';
import type { TreeNode } from '../model/tree-node';
import type { OrchSession } from '../orch-session';

export interface DashboardCommands {
  readonly disposables: readonly vscode.Disposable[];
  /** Closes the browser dashboard's server; deactivate waits for it. */
  close(): Promise<void>;
}

export function registerDashboardCommands(session: OrchSession, extensionPath: string, output: vscode.OutputChannel): DashboardCommands {
  const panel = new DashboardPanel(session, extensionPath, output);
  const browser = new BrowserDashboard(session, extensionPath, output);
  return {
    disposables: [
      panel,
      panel.serializer(),
      browser,
      vscode.commands.registerCommand('orch.openDashboard', () => panel.show()),
      // A tree item's inline action; the palette hides it, since it needs the item.
      vscode.commands.registerCommand('orch.openInDashboard', (node?: TreeNode) => {
        const target = node === undefined ? undefined : dashboardTarget(node, session.mode === 'run' ? session.run?.runId : undefined);
        panel.show(target);
      }),
      vscode.commands.registerCommand('orch.openDashboardInBrowser', async () => {
        try {
          await browser.open();
        } catch (error) {
          void vscode.window.showErrorMessage(`Orch: the dashboard server did not start: ${describeError(error)}`);
        }
      }),
    ],
    close: () => browser.close(),
  };
}
