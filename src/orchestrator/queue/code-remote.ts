// The git remote a distributed run publishes its code through: a bare repository the coordinator
// creates and pushes to, which workers clone from and push their attempts back to. Each attempt
// gets its own refs, so a late push from a dead worker can never overwrite a live attempt's work.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { git, gitOk } from '../engine/git';

export const startRef = (attemptId: string): string => `refs/orch/start/${refSafe(attemptId)}`;
export const attemptRef = (attemptId: string): string => `refs/orch/attempts/${refSafe(attemptId)}`;
export const evidenceRef = (attemptId: string): string => `refs/orch/evidence/${refSafe(attemptId)}`;

function refSafe(attemptId: string): string {
  return attemptId.replace(/[^A-Za-z0-9._-]+/g, '-');
}

const creating = new Map<string, Promise<string>>();

/**
 * `.orch/remote.git` in the workspace, created on first use; its path is what the jobs name.
 * Attempts dispatched together ask at once: one `git init` serves them all, as two on the same
 * folder fail on each other's files.
 */
export function ensureCodeRemote(orchDir: string): Promise<string> {
  const remote = join(orchDir, 'remote.git');
  if (existsSync(join(remote, 'HEAD'))) return Promise.resolve(remote);
  let made = creating.get(remote);
  if (made === undefined) {
    made = gitOk(orchDir, ['init', '-q', '--bare', remote])
      .then(() => remote)
      .finally(() => creating.delete(remote));
    creating.set(remote, made);
  }
  return made;
}

/** Publishes the worktree's HEAD as the commit the attempt starts from. */
export async function publishStart(cwd: string, remote: string, attemptId: string): Promise<string> {
  const commit = (await gitOk(cwd, ['rev-parse', 'HEAD'])).trim();
  await gitOk(cwd, ['push', '-q', '--force', remote, `${commit}:${startRef(attemptId)}`]);
  return commit;
}

/**
 * Pushes an attempt's commit to its own ref and the task branch, both or neither. The attempt ref
 * must not exist yet: a second run of the same attempt is refused rather than overwriting the work
 * the first one already reported.
 */
export async function pushAttemptWork(dir: string, remote: string, attemptId: string, commit: string, branch: string): Promise<void> {
  const ref = attemptRef(attemptId);
  await gitOk(dir, ['push', '-q', '--atomic', `--force-with-lease=${ref}:`, remote, `${commit}:${ref}`, `+${commit}:refs/heads/${branch}`]);
}

/**
 * Brings the attempt's pushed work into the coordinator's task worktree: its branch moves to the
 * commit the worker's report names (fetched by its id, whatever the ref says now), as if the agent
 * had worked here. The fetch checks connectivity against every worktree's HEAD: `betweenChanges`
 * (the engine's worktree lane) keeps other tasks' worktrees from being added or removed meanwhile.
 */
export async function adoptAttemptWork(cwd: string, remote: string, attemptId: string, commit: string, betweenChanges: <T>(step: () => Promise<T>) => Promise<T> = (step) => step()): Promise<void> {
  const fetched = await betweenChanges(() => git(cwd, ['fetch', '-q', '--no-tags', remote, commit]));
  if (fetched.code !== 0) throw new Error(`commit ${commit} of ${attemptRef(attemptId)} is not on ${remote}: ${fetched.stderr.trim()}`);
  await gitOk(cwd, ['reset', '-q', '--hard', commit]);
}
