import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { git, gitOk } from '../engine/git';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { WIP_REF_PREFIX } from './backup-manifest';

export interface GitState {
  readonly head?: string;
  readonly refs: readonly string[];
  readonly wip: readonly { readonly branch: string; readonly commit: string }[];
}

/**
 * Bundles the runs' branches (`orch/*`) and the checked-out branch into `bundleFile`, with the
 * uncommitted work of each live task worktree as a commit on top of its branch. Nothing in the
 * workspace changes: the work-in-progress commits are made through a throwaway index, and the
 * refs that carry them into the bundle are removed again. Undefined outside git.
 */
export async function bundleGitState(paths: WorkspacePaths, bundleFile: string): Promise<GitState | undefined> {
  const root = paths.root;
  if ((await git(root, ['rev-parse', '--show-toplevel'])).code !== 0) return undefined;
  const head = await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  const headBranch = head.code === 0 && (await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD'])).code === 0 ? head.stdout.trim() : undefined;
  const wip = await snapshotWorktrees(paths);
  try {
    const refs = (await gitOk(root, ['for-each-ref', '--format=%(refname)', 'refs/heads/orch/', WIP_REF_PREFIX])).split('\n').filter((r) => r !== '');
    if (headBranch !== undefined && !refs.includes(`refs/heads/${headBranch}`)) refs.push(`refs/heads/${headBranch}`);
    if (refs.length === 0) return { refs, wip: [] };
    await gitOk(root, ['bundle', 'create', '-q', bundleFile, ...refs]);
    return { head: headBranch, refs, wip: wip.map(({ branch, commit }) => ({ branch, commit })) };
  } finally {
    for (const w of wip) await git(root, ['update-ref', '-d', w.ref]);
  }
}

interface Wip {
  readonly branch: string;
  readonly commit: string;
  readonly ref: string;
}

async function snapshotWorktrees(paths: WorkspacePaths): Promise<Wip[]> {
  const made: Wip[] = [];
  const names = await readdir(paths.worktreesDir).catch(() => [] as string[]);
  for (const name of names) {
    const dir = join(paths.worktreesDir, name);
    if (name.startsWith('_') || name.endsWith('.adding') || name.includes('.stale-') || !existsSync(join(dir, '.git'))) continue;
    const branch = await git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    const top = await git(dir, ['rev-parse', '--show-toplevel']);
    if (branch.code !== 0 || !branch.stdout.startsWith('orch/') || resolve(top.stdout.trim()) !== resolve(dir)) continue;
    const commit = await commitWorkInProgress(dir, branch.stdout.trim());
    if (commit === undefined) continue;
    const ref = `${WIP_REF_PREFIX}${branch.stdout.trim()}`;
    await gitOk(paths.root, ['update-ref', ref, commit]);
    made.push({ branch: branch.stdout.trim(), commit, ref });
  }
  return made;
}

/** The worktree as it is now, as a commit on its branch, or undefined when nothing changed. */
async function commitWorkInProgress(dir: string, branch: string): Promise<string | undefined> {
  const gitDir = (await gitOk(dir, ['rev-parse', '--absolute-git-dir'])).trim();
  const index = join(gitDir, `orch-backup-index-${process.pid}`);
  const env = { GIT_INDEX_FILE: index };
  try {
    await gitOk(dir, ['read-tree', 'HEAD'], env);
    await gitOk(dir, ['add', '-A'], env);
    // What Orch copied in or the setup installed (listed by the worktree code) never joins a commit.
    const uncommitted = join(gitDir, 'orch-uncommitted');
    if (existsSync(uncommitted) && (await readFile(uncommitted)).length > 0) {
      await git(dir, ['reset', '-q', `--pathspec-from-file=${uncommitted}`, '--pathspec-file-nul'], { ...env, GIT_LITERAL_PATHSPECS: '1' });
    }
    const tree = (await gitOk(dir, ['write-tree'], env)).trim();
    const headTree = (await gitOk(dir, ['rev-parse', 'HEAD^{tree}'])).trim();
    if (tree === headTree) return undefined;
    return (await gitOk(dir, ['commit-tree', tree, '-p', 'HEAD', '-m', `orch: work in progress on ${branch}, kept by a backup`])).trim();
  } finally {
    await rm(index, { force: true });
  }
}
