import * as vscode from 'vscode';
import { cancelRun } from '../../orchestrator/engine/cancel-run';
import { requestRunControl } from '../../orchestrator/engine/request-run-control';
import { auditedLocally } from '../../orchestrator/audit/audit-log';
import { liveHolder } from '../../orchestrator/engine/run-lock';
import { RETRYABLE_STATES } from '../../orchestrator/engine/task-selection';
import type { Roadmap } from '../../protocol/domain';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { apiKeyEnv } from '../api-keys';
import { CliRun, cliResumeArgs, cliRunArgs, cliSettingsEnv } from '../cli-run';
import { describeError } from '../describe-error';
import { readEditorConfig } from '../editor-config';
import { count } from '../model/run-tree';
import { stoppedNotice } from '../model/stopped-notice';
import type { EditorConfig } from '../model/settings-config';
import type { TreeNode } from '../model/tree-node';
import type { OrchSession } from '../orch-session';
import { showNotice } from '../views/notices';
import { pickRoadmap } from './roadmap-picker';

// One run process per window (extension host); module state so deactivate() can reach it.
let activeRun: CliRun | undefined;

export interface RunCommandsDeps {
  readonly session: OrchSession;
  readonly extensionPath: string;
  readonly secrets: vscode.SecretStorage;
  readonly output: vscode.OutputChannel;
}

/**
 * Run, Pause, Resume, Retry Task and Cancel. The extension host holds at most one run process; the core's lock
 * refuses a second writer (another window, an `orch` CLI) with a message naming the holder.
 * How a run ends is told by the run's own events (see run-notices); only a process that
 * failed to start, was refused by preflight or crashed is reported here (see stopped-notice).
 */
export function registerRunCommands(deps: RunCommandsDeps): vscode.Disposable[] {
  const { session, output } = deps;

  const start = async (args: readonly string[], editor: EditorConfig): Promise<void> => {
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
    const child = new CliRun({ extensionPath: deps.extensionPath, workspace: session.paths.root, args, env: { ...cliSettingsEnv(editor), ...(await apiKeyEnv(deps.secrets)) }, log });
    activeRun = child;
    void child.exit.then(async (code) => {
      await session.followLatest();
      const notice = stoppedNotice(args[0] ?? '', code, child.lastErrorLine);
      if (notice !== undefined) await showNotice(notice, { output, reveal: async () => undefined, runId: session.run?.runId });
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
      const editor = await readEditorConfig(session.paths);
      for (const problem of editor.problems) void vscode.window.showWarningMessage(`Orch: ${problem}`);
      await start(cliRunArgs({ workspace: session.paths.root, roadmapFile, milestones, config: editor.config }), editor);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot run: ${describeError(error)}`);
    }
  };

  /** Asks the process running the run (this window's or an `orch` CLI's) to pause or resume it. */
  const signalRun = async (runId: string, action: 'pause' | 'resume'): Promise<void> => {
    try {
      await auditedLocally(session.paths, 'vscode', { action: `run.${action}`, target: runId }, () => requestRunControl(session.paths, runId, action));
      const paused = session.run?.runId === runId && session.run.state === 'paused';
      const text =
        action === 'pause'
          ? `pausing run ${runId}: running tasks finish first, no new task starts`
          : paused
            ? `resuming run ${runId}`
            : `run ${runId} is running; a pause it had not reached yet is withdrawn`;
      void vscode.window.showInformationMessage(`Orch: ${text}.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot ${action}: ${describeError(error)}`);
    }
  };

  const pause = async (): Promise<void> => {
    const run = session.run;
    if (run?.state !== 'running') {
      void vscode.window.showInformationMessage(`Orch: no running run to pause${run === undefined ? '' : ` (run ${run.runId} is ${run.state})`}.`);
      return;
    }
    await signalRun(run.runId, 'pause');
  };

  const resume = async (runId?: string): Promise<void> => {
    const id = typeof runId === 'string' ? runId : session.run?.runId;
    if (id === undefined) {
      void vscode.window.showInformationMessage('Orch: no run to resume.');
      return;
    }
    // A user's pause keeps the run's process: it resumes the run itself.
    if ((await liveHolder(session.paths.lockFile, id)) !== undefined) {
      await signalRun(id, 'resume');
      return;
    }
    if (await busy()) return;
    try {
      const editor = await readEditorConfig(session.paths);
      await start(cliResumeArgs({ workspace: session.paths.root, runId: id, config: editor.config }), editor);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot resume: ${describeError(error)}`);
    }
  };

  /** From a task's inline action (its tree node), a notice (its task id) or the palette (a pick of the tasks to retry). */
  const retryTask = async (node?: TreeNode | string): Promise<void> => {
    const run = session.run;
    if (run === undefined) {
      void vscode.window.showInformationMessage('Orch: no run yet; start one with Orch: Run.');
      return;
    }
    const tasks = typeof node === 'string' ? [node] : node?.kind === 'task' ? [node.id.slice('task:'.length)] : await pickRetryTasks(run);
    if (tasks === undefined || tasks.length === 0) return;
    const holder = await liveHolder(session.paths.lockFile, run.runId);
    if (holder !== undefined) {
      void vscode.window.showWarningMessage(`Orch: run ${run.runId} is still going (pid ${holder.pid}); retry ${tasks.join(', ')} once it has stopped, or cancel it first (Orch: Cancel).`);
      return;
    }
    if (await busy()) return;
    try {
      const editor = await readEditorConfig(session.paths);
      await start(cliResumeArgs({ workspace: session.paths.root, runId: run.runId, config: editor.config, tasks }), editor);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot retry: ${describeError(error)}`);
    }
  };

  const cancel = async (): Promise<void> => {
    if (activeRun?.running === true) {
      const child = activeRun;
      await auditedLocally(session.paths, 'vscode', { action: 'run.cancel', ...(session.run === undefined ? {} : { target: session.run.runId }) }, async () => child.cancel());
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
      const outcome = await auditedLocally(session.paths, 'vscode', { action: 'run.cancel', target: runId }, () => cancelRun(session.paths, runId));
      const text = outcome.kind === 'already-finished' ? `run ${runId} already ${outcome.state}` : outcome.kind === 'signalled' ? `asked process ${outcome.pid} to cancel run ${runId}` : `cancelled run ${runId}`;
      void vscode.window.showInformationMessage(`Orch: ${text}.`);
    } catch (error) {
      void vscode.window.showErrorMessage(`Orch: cannot cancel: ${describeError(error)}`);
    }
  };

  return [
    vscode.commands.registerCommand('orch.run', run),
    vscode.commands.registerCommand('orch.pause', pause),
    vscode.commands.registerCommand('orch.resume', resume),
    vscode.commands.registerCommand('orch.retryTask', retryTask),
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

/** The run's tasks to retry, picked from those that stopped unverified; undefined when dismissed. */
async function pickRetryTasks(run: RunSnapshot): Promise<string[] | undefined> {
  const items = run.taskOrder.flatMap((id) => {
    const t = run.tasks[id];
    return t !== undefined && RETRYABLE_STATES.includes(t.state) ? [{ label: t.id, description: `${t.state} · ${t.title}`, detail: t.error }] : [];
  });
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Orch: run ${run.runId} has no failed, blocked or cancelled task to retry.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: `Orch: retry tasks of run ${run.runId}`, placeHolder: "Tasks to run again (none picked: all of these); the others keep their state, and the run's pending work continues too" });
  if (picked === undefined) return undefined;
  return (picked.length === 0 ? items : picked).map((p) => p.label);
}

/** Milestones to run; none picked means all. Undefined when the user dismissed the pick. */
async function pickMilestones(roadmap: Roadmap): Promise<string[] | undefined> {
  const items = roadmap.phases.flatMap((p) =>
    p.milestones.map((m) => ({ label: m.id, description: m.title, detail: `${count(m.prds.length, 'PRD')} · ${count(m.prds.reduce((n, prd) => n + prd.tasks.length, 0), 'task')}` })),
  );
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: `Orch: run ${roadmap.title}`, placeHolder: 'Milestones to run (none picked: all)' });
  return picked?.map((p) => p.label);
}
