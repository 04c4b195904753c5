// `.worktreeinclude` files (a `.env`, local config: ignored by git, so no commit carries them) for
// the worktrees of queue workers. The coordinator packs the run's included paths once, from its
// workspace, into a commit on the code remote under `refs/orch/include/<run>`, never on a branch;
// a job names that commit and the paths, and the worker writes them into its worktree before the
// setup, as a local run copies them, and keeps them out of the attempt's commit.

import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitOk } from '../engine/git';
import { includedPaths, readIncludePatterns } from '../worktree/worktree-include';

const includeRef = (runId: string): string => `refs/orch/include/${runId.replace(/[^A-Za-z0-9._-]+/g, '-')}`;

export interface IncludePack {
  readonly commit: string;
  /** As the include file matched them in the workspace: files, or folders taken whole. */
  readonly paths: readonly string[];
}

const privateIndex = (): string => join(tmpdir(), `orch-include-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);

/** Packs the workspace's included paths into the remote; undefined when the include file names none. */
export async function publishIncluded(root: string, remote: string, runId: string): Promise<IncludePack | undefined> {
  const patterns = await readIncludePatterns(root);
  const paths = patterns === undefined ? [] : await includedPaths(root, patterns);
  if (paths.length === 0) return undefined;
  const index = privateIndex();
  try {
    const inRoot = ['--git-dir', remote, '--work-tree', root];
    await gitOk(root, [...inRoot, 'add', '-f', '--', ...paths], { GIT_INDEX_FILE: index, GIT_LITERAL_PATHSPECS: '1' });
    const tree = (await gitOk(root, [...inRoot, 'write-tree'], { GIT_INDEX_FILE: index })).trim();
    const commit = (await gitOk(root, ['--git-dir', remote, 'commit-tree', tree, '-m', `.worktreeinclude files of run ${runId}`])).trim();
    await gitOk(root, ['--git-dir', remote, 'update-ref', includeRef(runId), commit]);
    return { commit, paths };
  } finally {
    await rm(index, { force: true });
  }
}

/** Writes the pack's files into the worker's worktree `dir`, its clone `repo` fetching them first. */
export async function placeIncluded(repo: string, remote: string, runId: string, commit: string, dir: string): Promise<void> {
  const ref = includeRef(runId);
  if ((await gitOk(repo, ['cat-file', '-t', commit]).catch(() => '')).trim() !== 'commit') await gitOk(repo, ['fetch', '-q', '--no-tags', remote, `+${ref}:${ref}`]);
  const index = privateIndex();
  try {
    const inDir = ['--git-dir', repo, '--work-tree', dir];
    await gitOk(dir, [...inDir, 'read-tree', commit], { GIT_INDEX_FILE: index });
    await gitOk(dir, [...inDir, 'checkout-index', '-a', '-f'], { GIT_INDEX_FILE: index });
  } finally {
    await rm(index, { force: true });
  }
}
