import * as vscode from 'vscode';
import { workspacePaths } from '../orchestrator/workspace/workspace-paths';
import { registerAgentCommands } from './commands/agent-commands';
import { registerDashboardCommands } from './commands/dashboard-commands';
import { registerMiscCommands } from './commands/misc-commands';
import { registerPlanCommands } from './commands/plan-commands';
import { registerReviewCommands } from './commands/review-commands';
import { registerDefectCommands } from './commands/defect-commands';
import { registerRunCommands, stopActiveRun } from './commands/run-commands';
import { agentsTree } from './model/agents-tree';
import { planTree, runTree } from './model/run-tree';
import type { TreeNode } from './model/tree-node';
import { describeError } from './describe-error';
import { OrchSession } from './orch-session';
import { revealNode, showNotice } from './views/notices';
import { askPersonNotices } from './views/ask-person-notice';
import { NodeTreeProvider } from './views/node-tree-provider';
import { createStatusBar } from './views/status-bar';

/** What activate() returns: the Roadmap view's provider, for tests inside a real extension host. */
export interface OrchExtensionApi {
  readonly roadmapTree?: vscode.TreeDataProvider<TreeNode>;
}

// The editor adapter over the host-free core. Activation stays cheap: it registers views and
// commands and reads the newest run's log; agents load when their view is first shown.
export function activate(context: vscode.ExtensionContext): OrchExtensionApi {
  const output = vscode.window.createOutputChannel('Orch');
  context.subscriptions.push(output);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) {
    const needFolder = () => vscode.window.showInformationMessage('Orch: open a folder first; Orch keeps its state in the folder’s .orch/.');
    for (const id of ['orch.plan', 'orch.openRoadmap', 'orch.run', 'orch.pause', 'orch.resume', 'orch.retryTask', 'orch.cancel', 'orch.refresh', 'orch.setApiKey', 'orch.openDashboard', 'orch.openInDashboard', 'orch.openDashboardInBrowser', 'orch.openFile', 'orch.addAgent', 'orch.reloadAgents', 'orch.reviewChanges']) {
      context.subscriptions.push(vscode.commands.registerCommand(id, needFolder));
    }
    context.subscriptions.push(vscode.commands.registerCommand('orch.showLog', () => output.show(true)));
    return {};
  }

  const session = new OrchSession(workspacePaths(folder.uri.fsPath), context.extensionPath, output);
  const dashboard = registerDashboardCommands(session, context.extensionPath, output);
  closeDashboard = () => dashboard.close();
  const roadmapView = new NodeTreeProvider();
  const agentsView = new NodeTreeProvider();
  const status = createStatusBar();
  // Rebuild a tree only when its inputs changed: replacing a tree's items while VS Code is still
  // expanding the old ones makes it log "No tree item with id ..." errors.
  let shownRoadmap: readonly unknown[] = [];
  let shownAgents: readonly unknown[] = [];
  const changed = (before: readonly unknown[], after: readonly unknown[]): boolean => before.length !== after.length || before.some((v, i) => v !== after[i]);
  const render = (): void => {
    const { mode, run, plan, agents } = session;
    const roadmapInputs = [mode, mode === 'run' ? run : plan];
    if (changed(shownRoadmap, roadmapInputs)) {
      shownRoadmap = roadmapInputs;
      roadmapView.setRoots(mode === 'run' && run !== undefined ? runTree(run) : mode === 'plan' && plan !== undefined ? planTree(plan) : []);
    }
    const agentInputs = [agents, run];
    if (agents !== undefined && changed(shownAgents, agentInputs)) {
      shownAgents = agentInputs;
      agentsView.setRoots(agentsTree(agents, run));
    }
    status.update(run);
  };
  const roadmapTreeView = vscode.window.createTreeView('orch.roadmap', { treeDataProvider: roadmapView, showCollapseAll: true });
  const agentsTreeView = vscode.window.createTreeView('orch.agents', { treeDataProvider: agentsView });
  const loadAgents = (): void => {
    if (agentsTreeView.visible) session.loadAgents().catch((error: unknown) => session.report('agents', error));
  };
  const loadSettings = async (): Promise<void> => {
    try {
      for (const problem of await session.loadDefaultPlan()) void vscode.window.showWarningMessage(`Orch: ${problem}`);
    } catch (error) {
      // .orch/config.json itself is invalid: every command would fail the same way, so say it once, with file:line.
      void vscode.window.showErrorMessage(`Orch: ${describeError(error)}`);
    }
  };
  const runsWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.orch/runs/*/events.jsonl'));
  const followLatest = (): void => void session.followLatest().catch((error: unknown) => session.report('runs', error));

  context.subscriptions.push(
    session,
    roadmapView,
    agentsView,
    status.item,
    session.onDidChange(render),
    roadmapTreeView,
    session.onNotice((notice) => void showNotice(notice, { output, reveal: (id) => revealNode(roadmapTreeView, roadmapView, id), runId: session.run?.runId })),
    askPersonNotices(session, session.paths),
    agentsTreeView,
    agentsTreeView.onDidChangeVisibility(loadAgents),
    runsWatcher,
    runsWatcher.onDidCreate(followLatest),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('orch')) void loadSettings();
    }),
    ...registerPlanCommands(session),
    ...registerRunCommands({ session, extensionPath: context.extensionPath, secrets: context.secrets, output }),
    ...registerMiscCommands(session, context.secrets, output),
    ...registerAgentCommands(session),
    ...registerReviewCommands(session),
    ...registerDefectCommands(session, context.extensionPath),
    ...dashboard.disposables,
  );
  render();
  loadAgents();
  void loadSettings().then(() => session.followLatest()).catch((error: unknown) => session.report('activation', error));
  return { roadmapTree: roadmapView };
}

// Closing or reloading the window stops the run's agents cleanly; VS Code waits for this promise.
export async function deactivate(): Promise<void> {
  await Promise.all([stopActiveRun(), closeDashboard()]);
}

let closeDashboard: () => Promise<void> = async () => undefined;
