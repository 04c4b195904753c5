import * as vscode from 'vscode';
import { loadConfig } from '../orchestrator/config/orch-config';
import type { WorkspacePaths } from '../orchestrator/workspace/workspace-paths';
import { applySettings, type EditorConfig } from './model/settings-config';

/** `.orch/config.json` with the `orch.*` settings on top, as the editor uses it. */
export async function readEditorConfig(paths: WorkspacePaths): Promise<EditorConfig> {
  const settings = vscode.workspace.getConfiguration('orch');
  return applySettings(await loadConfig(paths.configFile), {
    claudePath: settings.get('claudePath'),
    parallel: settings.get('parallel'),
    budgetUsd: settings.get('budgetUsd'),
    dashboardPort: settings.get('dashboardPort'),
    defaultRoadmap: settings.get('defaultRoadmap'),
    models: settings.get('models'),
  });
}
