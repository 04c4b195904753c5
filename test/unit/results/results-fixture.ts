import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldEvents } from '../../../src/protocol/fold';
import type { RunSnapshot } from '../../../src/protocol/run-snapshot';
import { roadmapWith, sequenced, task } from '../../support/builders';
import { gitOk } from '../../../src/orchestrator/engine/git';
import { Worktrees } from '../../../src/orchestrator/engine/worktrees';
import { workspacePaths } from '../../../src/orchestrator/workspace/workspace-paths';

// A real repository with a run's branches made the way the engine makes them (Worktrees), for
// the results tests: no agent needed to produce merges of verified tasks.

export async function repoWithReadme(dir: string): Promise<string> {
  const root = join(dir, 'ws');
  mkdirSync(root);
  await gitOk(root, ['init', '-q', '-b', 'main']);
  writeFileSync(join(root, 'README.md'), 'hello\n');
  await gitOk(root, ['add', '-A']);
  await gitOk(root, ['commit', '-q', '-m', 'init']);
  return root;
}

/** A run of PRD P whose tasks each write the given files; `merge` lists the tasks that get merged. */
export async function fakeRun(root: string, runId: string, files: Readonly<Record<string, Readonly<Record<string, string>>>>, merge = Object.keys(files)): Promise<RunSnapshot> {
  const startedAt = new Date().toISOString();
  const worktrees = new Worktrees(workspacePaths(root), runId);
  await worktrees.prepare();
  for (const id of merge) {
    const qualified = `P/${id}`;
    const dir = await worktrees.forTask(qualified);
    for (const [path, text] of Object.entries(files[id] ?? {})) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    await worktrees.commitTask(qualified, `${qualified}: work`);
    await worktrees.merge(qualified, `orch: merge ${qualified} (Task ${id})`);
    await worktrees.cleanupTask(qualified);
  }
  await worktrees.removeIntegrationWorktree();
  const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'P', tasks: Object.keys(files).map((id) => task('P', id)) } }]);
  const run = foldEvents(
    sequenced(runId, [
      { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
      { type: 'plan.loaded', roadmap },
      ...merge.map((id) => ({ type: 'task.verified' as const, taskId: `P/${id}`, checks: [], basis: 'test' })),
      { type: 'run.finished', state: 'completed' },
    ]),
  )!;
  return { ...run, startedAt };
}
