// What a run's start does to the repository before any worktree (the run-time files excluded
// from git, the lock files a crash left behind removed), and to a task's folder that an earlier
// run or a kill left behind.

import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { git, gitOk } from './git';
import { RUNTIME_ENTRIES } from '../workspace/runtime-ignore';

// Run-time files never belong in the user's history. .orch/.gitignore keeps them out of `git
// status`, unless the user has a .gitignore there of their own: .git/info/exclude covers that case
// without touching a tracked file.
const EXCLUDES = RUNTIME_ENTRIES.map((entry) => `.orch/${entry}`);

export async function excludeRuntimeFiles(gitCommonDir: string): Promise<void> {
  const excludeFile = join(gitCommonDir, 'info', 'exclude');
  await mkdir(join(excludeFile, '..'), { recursive: true });
  const current = await readFile(excludeFile, 'utf8').catch(() => '');
  const missing = EXCLUDES.filter((line) => !current.split('\n').includes(line));
  if (missing.length > 0) await appendFile(excludeFile, `${current.endsWith('\n') || current === '' ? '' : '\n'}${missing.join('\n')}\n`);
}

/**
 * Lock files left by git processes of this run that a crash (and the orphan cleanup after it)
 * killed mid-operation. Called with the run lock held and the orphans gone, so none is live.
 */
export async function removeStaleLocks(gitCommonDir: string, worktreesDir: string, runId: string): Promise<void> {
  const worktreeAdmin = join(gitCommonDir, 'worktrees');
  const admins = await readdir(worktreeAdmin).catch(() => [] as string[]);
  for (const name of admins) {
    const gitdir = await readFile(join(worktreeAdmin, name, 'gitdir'), 'utf8').catch(() => '');
    if (gitdir.trim().startsWith(worktreesDir)) await rm(join(worktreeAdmin, name, 'index.lock'), { force: true });
  }
  const refs = join(gitCommonDir, 'refs', 'heads', 'orch', runId);
  for (const entry of await readdir(refs, { recursive: true }).catch(() => [] as string[])) {
    if (entry.endsWith('.lock')) await rm(join(refs, entry), { force: true });
  }
}

/** A worktree a kill cut short while git added it (its `.adding` marker is there): nothing ran in it yet. */
export async function dropHalfAdded(gitCommonDir: string, dir: string, prune: () => Promise<unknown>): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  // Git locks a worktree while adding it, and prune keeps locked ones: its registration goes by hand.
  const admin = join(gitCommonDir, 'worktrees');
  for (const name of await readdir(admin).catch(() => [] as string[])) {
    const gitdir = await readFile(join(admin, name, 'gitdir'), 'utf8').catch(() => '');
    if (resolve(gitdir.trim()) === join(dir, '.git')) await rm(join(admin, name), { recursive: true, force: true });
  }
  await prune();
  await rm(`${dir}.adding`, { force: true });
}

/** Whether git keeps any worktree record (a fresh repository has none, and then nothing to prune). */
export async function hasWorktreeRecords(gitCommonDir: string): Promise<boolean> {
  const names = await readdir(join(gitCommonDir, 'worktrees')).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : undefined));
  return names === undefined || names.length > 0;
}

/**
 * Whether the run has branches besides its integration branch, or the files cannot tell (a
 * reftable repository). A run whose integration branch was just made has none: no task of it
 * has started, so a look for its merged leftovers can be skipped.
 */
export async function hasOtherRunBranches(gitCommonDir: string, runId: string): Promise<boolean> {
  if (existsSync(join(gitCommonDir, 'reftable'))) return true;
  const loose = await readdir(join(gitCommonDir, 'refs', 'heads', 'orch', runId)).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : undefined));
  if (loose === undefined || loose.some((name) => name !== 'integration')) return true;
  const packed = await readFile(join(gitCommonDir, 'packed-refs'), 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : undefined));
  return packed === undefined || packed.includes(` refs/heads/orch/${runId}/`);
}

/**
 * An earlier run's task worktree in this task's folder: its uncommitted work is committed to
 * its own branch (where it stays, never deleted), then the folder is freed for this run.
 */
export async function setAsideForeignWorktree(dir: string, root: string, runId: string, commitAll: (message: string) => Promise<void>): Promise<void> {
  const env = { ORCH_RUN_ID: runId };
  // A folder git does not know as a worktree (git would answer for the main repository from
  // inside it): keep it, renamed, rather than guess what it holds.
  const top = await git(dir, ['rev-parse', '--show-toplevel'], env);
  if (top.code !== 0 || resolve(top.stdout.trim()) !== resolve(dir)) {
    await rename(dir, `${dir}.stale-${Date.now()}`);
    return;
  }
  if ((await git(dir, ['status', '--porcelain'], env)).stdout.trim() !== '') await commitAll('orch: work left in this worktree by an earlier run');
  await gitOk(root, ['worktree', 'remove', '--force', dir], env);
}
