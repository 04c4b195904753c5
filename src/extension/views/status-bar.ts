import * as vscode from 'vscode';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { statusText } from '../model/status-text';

/** The run's progress and cost, bottom left; a click opens the dashboard. */
export function createStatusBar(): { readonly item: vscode.StatusBarItem; update(run: RunSnapshot | undefined): void } {
  const item = vscode.window.createStatusBarItem('orch.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Orch';
  item.command = 'orch.openDashboard';
  return {
    item,
    update(run) {
      const { text, tooltip } = statusText(run);
      item.text = text;
      item.tooltip = tooltip;
      item.show();
    },
  };
}
