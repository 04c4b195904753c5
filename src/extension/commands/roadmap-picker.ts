import { relative } from 'node:path';
import * as vscode from 'vscode';

const BROWSE = 'Browse…';

/** Asks for a roadmap: the workspace's Markdown files (likely roadmaps first), or a file dialog. */
export async function pickRoadmap(root: string): Promise<string | undefined> {
  const files = await vscode.workspace.findFiles('**/*.md', '{**/node_modules/**,**/.orch/**,**/.git/**}', 500);
  const score = (path: string): number => (/roadmap/i.test(path) ? 0 : /prds?\//i.test(path) ? 2 : 1);
  const items = files
    .map((uri) => ({ label: relative(root, uri.fsPath), uri }))
    .sort((a, b) => score(a.label) - score(b.label) || a.label.localeCompare(b.label));
  const picked = await vscode.window.showQuickPick([...items, { label: BROWSE, uri: undefined }], {
    title: 'Orch: pick a roadmap',
    placeHolder: 'A Markdown roadmap (## Phase N / ### Milestone N.M)',
  });
  if (picked === undefined) return undefined;
  if (picked.uri !== undefined) return picked.uri.fsPath;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Markdown: ['md'] }, title: 'Orch: pick a roadmap' });
  return chosen?.[0]?.fsPath;
}
