// The git remote a distributed run publishes its code through: a bare repository the coordinator
// creates and pushes to, which workers clone from and push their attempts back to. Each attempt
// gets its own refs, so a late push from a dead worker can never overwrite a live attempt's work.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gitOk } from '../engine/git';

export const startRef = (attemptId: string): string => `refs/orch/start/${refSafe(attemptId)}`;
export const attemptRef = (attemptId: string): string => `refs/orch/attempts/${refSafe(attemptId)}`;

function refSafe(attemptId: string): string {
  return attemptId.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** `.orch/remote.git` in the workspace, created on first use; its path is what the jobs name. */
export async function ensureCodeRemote(orchDir: string): Promise<string> {
  const remote = join(orchDir, 'remote.git');
  if (!existsSync(join(remote, 'HEAD'))) await gitOk(orchDir, ['init', '-q', '--bare', remote]);
  return remote;
}

/** Publishes the worktree's HEAD as the commit the attempt starts from. */
export async function publishStart(cwd: string, remote: string, attemptId: string): Promise<string> {
  const commit = (await gitOk(cwd, ['rev-parse', 'HEAD'])).trim();
  await gitOk(cwd, ['push', '-q', '--force', remote, `${commit}:${startRef(attemptId)}`]);
  return commit;
}

/**
 * Brings the attempt's pushed work into the coordinator's task worktree: its branch moves to the
 * worker's commit, as if the agent had worked here. The commit must be the one the report names.
 */
export async function adoptAttemptWork(cwd: string, remote: string, attemptId: string, commit: string): Promise<void> {
  await gitOk(cwd, ['fetch', '-q', '--no-tags', remote, attemptRef(attemptId)]);
  const fetched = (await gitOk(cwd, ['rev-parse', 'FETCH_HEAD'])).trim();
  if (fetched !== commit) throw new Error(`${attemptRef(attemptId)} on ${remote} is ${fetched}, but the worker reported ${commit}`);
  await gitOk(cwd, ['reset', '-q', '--hard', commit]);
}
