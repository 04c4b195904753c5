import * as vscode from 'vscode';
import { cancelRun } from '../../orchestrator/engine/cancel-run';
import type { Roadmap } from '../../protocol/domain';
import { apiKeyEnv } from '../api-keys';
import { CliRun } from '../cli-run';
import { describeError } from '../describe-error';
import { readEditorConfig } from '../editor-config';
import type { OrchSession } from '../orch-session';
import { count } from '../model/run-tree';
import { pickRoadmap } from './roadmap-picker';

export interface RunDeps {
  readonly session: OrchSession;
  readonly extensionPath: string;
  readonly secrets: vscode.SecretStorage;
  readonly output: vscode.OutputChannel;
}

/** Run and Cancel. The extension host holds at most one run; the lock in the core refuses a second writer. */
export function registerRunCommands(deps: RunDeps): vscode.Disposable[] {
  let active: CliRun | undefined;

  const run = async (): Promise<void> => {
    if (active?.running === true) {
      void vscode.window.showWarningMessage('Orch: a run is already going in this window. Cancel it first (Orch: Cancel).');
      return;
    }
    const { session } = deps;
    const roadmapFile = session.plan?.file ?? (await pickRoadmap(session.paths.root));
    if (roadmapFile === undefined) return;
    try {
      const roadmap = session.plan?.file === roadmapFile ? session.plan : await session.showPlan(roadmapFile);
      const milestones = await pickMilestones(roadmap);
      if (milestones === undefined) return;
      const { config, problems } = await readEditorConfig(session.paths);
      for (const problem of problems) void vscode.window.showWarningMessage(`Orch: ${problem}`);
      deps.output.appendLine(`starting orch run ${roadmapFile}${milestones.length === 0 ? '' : ` (milestones ${milestones.join(', ')})`}`);
      const started = new CliRun({
        extensionPath: deps.extensionPath,
        workspace: session.paths.root,
        roadmapFile,
        milestones,
        config,
        secretEnv: await apiKeyEnv(deps.secrets),
        log: (line) => deps.output.appendLine(line),
      });
      active = started;
      void started.exit.then((code) => finished(code));
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot run: ${describeError(error)}`);
    }
  };

  const finished = async (code: number | null): Promise<void> => {
    await deps.session.followLatest();
    const outcome = code === 0 ? 'every task verified' : code === 1 ? 'a task failed or is blocked' : code === 3 ? 'paused: budget exhausted' : code === 130 ? 'cancelled' : `exited with ${code ?? 'a signal'}`;
    const action = await (code === 0 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage)(`Orch: run finished: ${outcome}.`, 'Show Log');
    if (action === 'Show Log') deps.output.show();
  };

  const cancel = async (): Promise<void> => {
    if (active?.running === true) {
      active.cancel();
      void vscode.window.showInformationMessage('Orch: cancelling the run; its agents are being stopped.');
      return;
    }
    const runId = deps.session.run?.runId;
    if (runId === undefined) {
      void vscode.window.showInformationMessage('Orch: no run to cancel.');
      return;
    }
    try {
      const outcome = await cancelRun(deps.session.paths, runId);
      const text = outcome.kind === 'already-finished' ? `run ${runId} already ${outcome.state}` : outcome.kind === 'signalled' ? `asked process ${outcome.pid} to cancel run ${runId}` : `cancelled run ${runId}`;
      void vscode.window.showInformationMessage(`Orch: ${text}.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot cancel: ${describeError(error)}`);
    }
  };

  return [
    vscode.commands.registerCommand('orch.run', run),
    vscode.commands.registerCommand('orch.cancel', cancel),
    // Closing the window stops the agents: the CLI cancels cleanly on SIGTERM, and the run can be resumed.
    { dispose: () => active?.cancel() },
  ];
}

/** Milestones to run; none picked means all. Undefined when the user dismissed the pick. */
async function pickMilestones(roadmap: Roadmap): Promise<string[] | undefined> {
  const items = roadmap.phases.flatMap((p) =>
    p.milestones.map((m) => ({ label: m.id, description: m.title, detail: `${count(m.prds.length, 'PRD')} · ${count(m.prds.reduce((n, prd) => n + prd.tasks.length, 0), 'task')}` })),
  );
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: `Orch: run ${roadmap.title}`, placeHolder: 'Milestones to run (none picked: all)' });
  return picked?.map((p) => p.label);
}
