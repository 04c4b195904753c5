// A one-commit repository under `parent` with run1's worktrees prepared in it: where the
// Worktrees tests start.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitOk } from '../../src/orchestrator/engine/git';
import { Worktrees } from '../../src/orchestrator/engine/worktrees';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';

export async function preparedWorktrees(parent: string): Promise<{ readonly root: string; readonly w: Worktrees }> {
  const root = join(parent, 'ws');
  mkdirSync(root);
  await gitOk(root, ['init', '-q', '-b', 'main']);
  writeFileSync(join(root, 'README.md'), 'hello\n');
  await gitOk(root, ['add', '-A']);
  await gitOk(root, ['commit', '-q', '-m', 'init']);
  const w = new Worktrees(workspacePaths(root), 'run1');
  await w.prepare();
  return { root, w };
}
