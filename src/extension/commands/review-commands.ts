import * as vscode from 'vscode';
import { git } from '../../orchestrator/engine/git';
import { reviewEntries, reviewTitle } from '../../orchestrator/results/review-entries';
import { NoVerifiedWorkError, runChanges } from '../../orchestrator/results/run-diff';
import { describeError } from '../describe-error';
import type { TreeNode } from '../model/tree-node';
import type { OrchSession } from '../orch-session';

// Files at a commit, read from git: `orch-git:/<path>?<commit>`. The path keeps its extension,
// so the editor picks the language; an empty query is a side where the file does not exist.
const SCHEME = 'orch-git';

class GitRevisionProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly root: string) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    if (uri.query === '') return '';
    const shown = await git(this.root, ['show', `${uri.query}:${uri.path.replace(/^\//, '')}`]);
    if (shown.code !== 0) throw new Error(`git show ${uri.query}:${uri.path}: ${shown.stderr.trim()}`);
    return shown.stdout;
  }
}

/** "Review Changes" on a run or a task: the editor's multi-file diff of its verified work. */
export function registerReviewCommands(session: OrchSession): vscode.Disposable[] {
  const root = session.paths.root;
  const review = async (node?: TreeNode): Promise<void> => {
    const run = session.run;
    if (run === undefined) {
      void vscode.window.showInformationMessage('Orch: no run to review yet (Orch: Run starts one).');
      return;
    }
    const taskId = node?.kind === 'task' ? node.id.replace(/^task:/, '') : undefined;
    let changes;
    try {
      changes = await runChanges(root, run, session.paths.eventsFile(run.runId), taskId);
    } catch (error) {
      const say = error instanceof NoVerifiedWorkError ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
      void say(`Orch: ${describeError(error)}`);
      return;
    }
    if (changes.files.length === 0) {
      void vscode.window.showInformationMessage(`Orch: ${taskId ?? `run ${run.runId}`} changed no files.`);
      return;
    }
    const side = (path: string, commit: string | undefined) => vscode.Uri.from({ scheme: SCHEME, path: `/${path}`, query: commit ?? '' });
    const resources = reviewEntries(changes).map((e) => [vscode.Uri.joinPath(vscode.Uri.file(root), e.path), side(e.path, e.left), side(e.path, e.right)] as const);
    try {
      await vscode.commands.executeCommand('vscode.changes', reviewTitle(changes), resources);
    } catch {
      // An editor without the multi-file diff: one diff per file.
      for (const [label, left, right] of resources) await vscode.commands.executeCommand('vscode.diff', left, right, `${vscode.workspace.asRelativePath(label)} (${reviewTitle(changes)})`, { preview: false });
    }
  };
  return [vscode.workspace.registerTextDocumentContentProvider(SCHEME, new GitRevisionProvider(root)), vscode.commands.registerCommand('orch.reviewChanges', review)];
}
