import * as vscode from 'vscode';
import { cancelRun } from '../../orchestrator/engine/cancel-run';
import type { Roadmap } from '../../protocol/domain';
import { apiKeyEnv } from '../api-keys';
import { CliRun, cliResumeArgs, cliRunArgs } from '../cli-run';
import { describeError } from '../describe-error';
import { readEditorConfig } from '../editor-config';
import { count } from '../model/run-tree';
import type { OrchSession } from '../orch-session';
import { pickRoadmap } from './roadmap-picker';

// One run process per window (extension host); module state so deactivate() can reach it.
let activeRun: CliRun | undefined;

export interface RunDeps {
  readonly session: OrchSession;
  readonly extensionPath: string;
  readonly secrets: vscode.SecretStorage;
  readonly output: vscode.OutputChannel;
}

/**
 * Run, Resume and Cancel. The extension host holds at most one run process; the core's lock
 * refuses a second writer (another window, an `orch` CLI) with a message naming the holder.
 * How a run ends is told by the run's own events (see run-notices); only a process that
 * failed to start or crashed is reported here.
 */
export function registerRunCommands(deps: RunDeps): vscode.Disposable[] {
  const { session, output } = deps;

  const start = async (args: readonly string[]): Promise<void> => {
    output.appendLine(`$ orch ${args.join(' ')}`);
    let heard = false;
    const log = (line: string): void => {
      output.appendLine(line);
      // The CLI speaks once its log is open: follow the new run now rather than wait for the
      // file watcher, which may lag under load.
      if (!heard) {
        heard = true;
        void session.followLatest().catch((error: unknown) => session.report('runs', error));
      }
    };
    const child = new CliRun({ extensionPath: deps.extensionPath, workspace: session.paths.root, args, secretEnv: await apiKeyEnv(deps.secrets), log });
    activeRun = child;
    void child.exit.then(async (code) => {
      await session.followLatest();
      if (code !== null && [0, 1, 3, 130].includes(code)) return;
      const why = child.lastErrorLine ?? 'the log says why';
      const action = await vscode.window.showErrorMessage(`Orch: orch ${args[0] ?? ''} stopped (${code === null ? 'could not start' : `exit code ${code}`}): ${why}`, 'Show Log');
      if (action === 'Show Log') output.show();
    });
  };

  const busy = async (): Promise<boolean> => {
    const current = activeRun;
    if (current?.running !== true) return false;
    // The run has finished and its process is only tidying up (index, worktrees): wait for it.
    if (session.run?.finishedAt !== undefined) {
      await Promise.race([current.exit, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (!current.running) return false;
    }
    void vscode.window.showWarningMessage('Orch: a run is already going in this window. Cancel it first (Orch: Cancel).');
    return true;
  };

  const run = async (): Promise<void> => {
    if (await busy()) return;
    const roadmapFile = session.plan?.file ?? (await pickRoadmap(session.paths.root));
    if (roadmapFile === undefined) return;
    try {
      const roadmap = session.plan?.file === roadmapFile ? session.plan : await session.showPlan(roadmapFile);
      const milestones = await pickMilestones(roadmap);
      if (milestones === undefined) return;
      const { config, problems } = await readEditorConfig(session.paths);
      for (const problem of problems) void vscode.window.showWarningMessage(`Orch: ${problem}`);
      await start(cliRunArgs({ workspace: session.paths.root, roadmapFile, milestones, config }));
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot run: ${describeError(error)}`);
    }
  };

  const resume = async (runId?: string): Promise<void> => {
    if (await busy()) return;
    const id = typeof runId === 'string' ? runId : session.run?.runId;
    if (id === undefined) {
      void vscode.window.showInformationMessage('Orch: no run to resume.');
      return;
    }
    try {
      const { config } = await readEditorConfig(session.paths);
      await start(cliResumeArgs({ workspace: session.paths.root, runId: id, config }));
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot resume: ${describeError(error)}`);
    }
  };

  const cancel = async (): Promise<void> => {
    if (activeRun?.running === true) {
      activeRun.cancel();
      void vscode.window.showInformationMessage('Orch: cancelling the run; its agents are being stopped.');
      return;
    }
    const runId = session.run?.runId;
    if (runId === undefined) {
      void vscode.window.showInformationMessage('Orch: no run to cancel.');
      return;
    }
    try {
      // A run of another process (an `orch` CLI): the core signals its holder, or cancels a dead run.
      const outcome = await cancelRun(session.paths, runId);
      const text = outcome.kind === 'already-finished' ? `run ${runId} already ${outcome.state}` : outcome.kind === 'signalled' ? `asked process ${outcome.pid} to cancel run ${runId}` : `cancelled run ${runId}`;
      void vscode.window.showInformationMessage(`Orch: ${text}.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot cancel: ${describeError(error)}`);
    }
  };

  return [
    vscode.commands.registerCommand('orch.run', run),
    vscode.commands.registerCommand('orch.resume', resume),
    vscode.commands.registerCommand('orch.cancel', cancel),
  ];
}

/**
 * Cancels the window's run and waits (a few seconds at most) for its CLI to stop the agents and
 * write the run's last events: the CLI's output goes to pipes the extension host owns, so the
 * host must not go first. The run can be resumed afterwards.
 */
export async function stopActiveRun(): Promise<void> {
  const run = activeRun;
  if (run?.running !== true) return;
  run.cancel();
  await Promise.race([run.exit, new Promise((resolve) => setTimeout(resolve, 4_000))]);
}

/** Milestones to run; none picked means all. Undefined when the user dismissed the pick. */
async function pickMilestones(roadmap: Roadmap): Promise<string[] | undefined> {
  const items = roadmap.phases.flatMap((p) =>
    p.milestones.map((m) => ({ label: m.id, description: m.title, detail: `${count(m.prds.length, 'PRD')} · ${count(m.prds.reduce((n, prd) => n + prd.tasks.length, 0), 'task')}` })),
  );
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: `Orch: run ${roadmap.title}`, placeHolder: 'Milestones to run (none picked: all)' });
  return picked?.map((p) => p.label);
}
