import { resolve } from 'node:path';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { git, gitOk } from '../engine/git';
import { InputError } from '../errors';
import { branchTip, integrationBranchOf } from './run-commits';
import { changedFiles, type ChangedFile } from './run-diff';
import { userGit } from './user-git';

export type MergeOutcome =
  | { readonly kind: 'up-to-date'; readonly into: string; readonly branch: string }
  | {
      readonly kind: 'fast-forward' | 'merged';
      readonly into: string;
      readonly branch: string;
      /** The worktree whose files changed; undefined when only the branch moved. */
      readonly worktree?: string;
      readonly commit: string;
      /** The run's first-parent commits the branch gained, newest first: `hash subject`. */
      readonly commits: readonly string[];
      readonly files: readonly ChangedFile[];
    }
  | { readonly kind: 'conflict'; readonly into: string; readonly branch: string; readonly conflicts: readonly string[]; readonly manual: string }
  | { readonly kind: 'failed'; readonly into: string; readonly branch: string; readonly detail: string };

/**
 * Takes a run's integration branch into `into` (default: the workspace's current branch). It
 * never resets or forces: a branch with commits of its own gets a real merge, a conflict is
 * aborted with the tree as it was, and a branch that is not checked out anywhere is moved only
 * by a compare-and-swap of its ref, so its worktree-less merge cannot race a user's commit.
 */
export async function mergeRun(root: string, run: RunSnapshot, where: string, into?: string): Promise<MergeOutcome> {
  const branch = integrationBranchOf(run.runId);
  if (run.state === 'running') {
    throw new InputError(`run ${run.runId} is still running`, { file: where }, `wait for it to end, or 'orch pause ${run.runId} --wait' first; if no Orch runs it, 'orch resume ${run.runId}' or 'orch cancel ${run.runId}'`);
  }
  const tip = await branchTip(root, branch);
  if (tip === undefined) throw new InputError(`run ${run.runId} has no branch ${branch} in ${root}`, { file: where }, 'the run made no git worktrees, or the branch was deleted');
  const target = into ?? (await currentBranch(root));
  if (target.startsWith(`orch/${run.runId}/`)) throw new InputError(`--into ${target} is one of run ${run.runId}'s own branches`, { file: where }, 'name the branch to take the work into');
  const old = await branchTip(root, target);
  if (old === undefined) throw new InputError(`no branch ${target} in ${root}`, undefined, `to start one from the run's work: git branch ${target} ${branch}`);
  if ((await git(root, ['merge-base', '--is-ancestor', tip, old])).code === 0) return { kind: 'up-to-date', into: target, branch };

  const fork = (await gitOk(root, ['merge-base', old, tip])).trim();
  const commits = (await gitOk(root, ['log', '--first-parent', '--format=%h %s', `${old}..${tip}`, '--'])).split('\n').filter((l) => l.length > 0);
  const files = await changedFiles(root, fork, tip);
  const message = `orch: take run ${run.runId} (${branch})`;
  const worktree = await worktreeOf(root, target);
  if (worktree !== undefined) return mergeInWorktree(worktree, { target, branch, tip, message, commits, files });
  return mergeRefOnly(root, { target, branch, tip, old, message, commits, files, fastForward: fork === old });
}

interface Plan {
  readonly target: string;
  readonly branch: string;
  readonly tip: string;
  readonly message: string;
  readonly commits: readonly string[];
  readonly files: readonly ChangedFile[];
}

async function mergeInWorktree(dir: string, p: Plan): Promise<MergeOutcome> {
  const dirty = (await gitOk(dir, ['status', '--porcelain', '--untracked-files=no'])).split('\n').filter((l) => l.trim().length > 0);
  if (dirty.length > 0) {
    const names = dirty.map((l) => l.slice(3)).join(', ');
    throw new InputError(`${p.target} has uncommitted changes in ${dir}: ${names}`, undefined, "commit or stash them ('git status' shows them), then run orch merge again");
  }
  const merged = await userGit(dir, ['merge', '--no-edit', '-m', p.message, p.tip]);
  if (merged.code === 0) {
    const commit = (await gitOk(dir, ['rev-parse', 'HEAD'])).trim();
    return { kind: commit === p.tip ? 'fast-forward' : 'merged', into: p.target, branch: p.branch, worktree: dir, commit, commits: p.commits, files: p.files };
  }
  const conflicts = (await git(dir, ['diff', '--name-only', '--diff-filter=U'])).stdout.split('\n').filter((l) => l.length > 0);
  // A merge git refused before starting (an untracked file in the way) has nothing to abort.
  await git(dir, ['merge', '--abort']);
  const manual = `git -C ${dir} merge ${p.branch}`;
  if (conflicts.length > 0) return { kind: 'conflict', into: p.target, branch: p.branch, conflicts, manual };
  return { kind: 'failed', into: p.target, branch: p.branch, detail: `${merged.stderr}${merged.stdout}`.trim() };
}

async function mergeRefOnly(root: string, p: Plan & { readonly old: string; readonly fastForward: boolean }): Promise<MergeOutcome> {
  let commit = p.tip;
  if (!p.fastForward) {
    // A merge without a working tree: nobody's files change, and a conflict leaves no trace.
    const tree = await git(root, ['merge-tree', '--write-tree', '--name-only', '--no-messages', p.old, p.tip]);
    const [treeId = '', ...rest] = tree.stdout.split('\n');
    if (tree.code === 1) {
      return { kind: 'conflict', into: p.target, branch: p.branch, conflicts: rest.filter((l) => l.length > 0), manual: `git checkout ${p.target} && git merge ${p.branch}` };
    }
    if (tree.code !== 0) return { kind: 'failed', into: p.target, branch: p.branch, detail: tree.stderr.trim() };
    const made = await userGit(root, ['commit-tree', treeId.trim(), '-p', p.old, '-p', p.tip, '-m', p.message]);
    if (made.code !== 0) return { kind: 'failed', into: p.target, branch: p.branch, detail: made.stderr.trim() };
    commit = made.stdout.trim();
  }
  const moved = await git(root, ['update-ref', '-m', p.message, `refs/heads/${p.target}`, commit, p.old]);
  if (moved.code !== 0) return { kind: 'failed', into: p.target, branch: p.branch, detail: `${p.target} moved while merging: ${moved.stderr.trim()}` };
  return { kind: p.fastForward ? 'fast-forward' : 'merged', into: p.target, branch: p.branch, commit, commits: p.commits, files: p.files };
}

async function currentBranch(root: string): Promise<string> {
  const head = await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  if (head.code !== 0) throw new InputError(`HEAD is detached in ${root}`, undefined, 'name the branch to merge into: --into BRANCH');
  return head.stdout.trim();
}

/** The worktree (the workspace itself, or another) that has `branch` checked out. */
async function worktreeOf(root: string, branch: string): Promise<string | undefined> {
  const list = await gitOk(root, ['worktree', 'list', '--porcelain']);
  let path: string | undefined;
  for (const line of list.split('\n')) {
    if (line.startsWith('worktree ')) path = line.slice('worktree '.length);
    else if (line === `branch refs/heads/${branch}` && path !== undefined) return resolve(path);
  }
  return undefined;
}
