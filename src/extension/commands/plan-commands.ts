import * as vscode from 'vscode';
import type { OrchSession } from '../orch-session';
import { describeError } from '../describe-error';
import { count } from '../model/run-tree';
import { pickRoadmap } from './roadmap-picker';

export function registerPlanCommands(session: OrchSession): vscode.Disposable[] {
  const plan = async (open: boolean): Promise<void> => {
    const file = await pickRoadmap(session.paths.root);
    if (file === undefined) return;
    if (open) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    try {
      const roadmap = await session.showPlan(file);
      await vscode.commands.executeCommand('orch.roadmap.focus');
      const milestones = roadmap.phases.reduce((n, p) => n + p.milestones.length, 0);
      const tasks = roadmap.phases.reduce((n, p) => n + p.milestones.reduce((m, ms) => m + ms.prds.reduce((k, prd) => k + prd.tasks.length, 0), 0), 0);
      void vscode.window.showInformationMessage(`Orch: planned ${roadmap.title}: ${count(roadmap.phases.length, 'phase')}, ${count(milestones, 'milestone')}, ${count(tasks, 'task')}.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot plan: ${describeError(error)}`);
    }
  };
  return [
    vscode.commands.registerCommand('orch.plan', () => plan(false)),
    vscode.commands.registerCommand('orch.openRoadmap', () => plan(true)),
  ];
}

