// Tasks that run in the workspace itself (no worktrees) have no branch to diff: what their
// attempts changed is the folder now against the folder before the task's first attempt.
import { join } from 'node:path';
import type { EngineContext } from './engine-context';
import { changedFiles, loadSnapshot, saveSnapshot, snapshotFiles } from './file-snapshot';
import { git } from './git';
import { taskSlug } from './worktrees';

function filesBeforeFile(ctx: EngineContext, taskId: string): string {
  return join(ctx.paths.runDir(ctx.runId), 'files-before', `${taskSlug(taskId)}.json`);
}

/**
 * Working in place (no worktrees): the folder as it was before the task's first attempt, kept
 * on disk so a resume after a crash still knows. Later attempts add to the same work.
 */
export async function rememberFilesBefore(ctx: EngineContext, taskId: string, cwd: string): Promise<void> {
  const file = filesBeforeFile(ctx, taskId);
  if ((await loadSnapshot(file)) === undefined) await saveSnapshot(file, await snapshotFiles(cwd));
}

export async function changedInPlace(ctx: EngineContext, taskId: string, cwd: string): Promise<readonly string[]> {
  const before = await loadSnapshot(filesBeforeFile(ctx, taskId));
  if (before !== undefined) return changedFiles(before, await snapshotFiles(cwd));
  // A run logged before snapshots were kept: git, when the folder has it, still tells.
  const status = await git(cwd, ['status', '--porcelain']);
  return status.code === 0 ? status.stdout.split('\n').filter((l) => l.length > 0) : [];
}

