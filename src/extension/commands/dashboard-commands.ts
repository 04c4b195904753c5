import * as vscode from 'vscode';
import { describeError } from '../describe-error';
import { BrowserDashboard } from '../dashboard/browser-dashboard';
import { DashboardPanel } from '../dashboard/dashboard-panel';
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
