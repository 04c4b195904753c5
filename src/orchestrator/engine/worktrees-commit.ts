// A task worktree's own git folder, its commit of everything but what Orch put there, and the
// conflict markers an unfinished merge left in it. Git runs with the run's marker (ORCH_RUN_ID),
// so a resume after a crash finds a commit that outlived the Orch that started it.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { git, gitOk } from './git';
import { UNCOMMITTED_LIST } from './worktrees-kept-out';
import { gitdirPointer, indexHasUnmergedEntries } from './worktrees-refs';

/** A worktree's `.git` file names its git folder: read, it saves a git process per commit. */
export async function worktreeGitDir(dir: string, runId: string): Promise<string> {
  const pointer = await gitdirPointer(dir);
  if (pointer !== undefined) return resolve(dir, pointer);
  return (await gitOk(dir, ['rev-parse', '--absolute-git-dir'], { ORCH_RUN_ID: runId })).trim();
}

/** Stages everything in `dir` but what Orch put there, and commits it if anything is staged. */
export async function commitAll(dir: string, message: string, runId: string): Promise<void> {
  const env = { ORCH_RUN_ID: runId };
  await gitOk(dir, ['add', '-A'], env);
  const list = join(await worktreeGitDir(dir, runId), UNCOMMITTED_LIST);
  if (existsSync(list)) {
    // Back to what the branch has: an untracked copy leaves the index, and nothing else changes.
    await gitOk(dir, ['reset', '-q', `--pathspec-from-file=${list}`, '--pathspec-file-nul'], { ...env, GIT_LITERAL_PATHSPECS: '1' });
  }
  // Committed straight away: only a refused commit asks whether anything was staged at all.
  // Git's auto-maintenance is left to the end of the run (Worktrees.drain), not checked per commit.
  const commit = await git(dir, ['-c', 'maintenance.auto=false', 'commit', '-q', '-m', message], env);
  if (commit.code === 0 || (await git(dir, ['diff', '--cached', '--quiet'], env)).code === 0) return;
  throw new Error(`git commit -q -m ${message} failed in ${dir} (exit ${commit.code}): ${commit.stderr.trim() || commit.stdout.trim()}`);
}

/** Files of an unfinished merge in the worktree that still carry conflict markers. */
export async function unresolvedConflicts(dir: string, runId: string): Promise<readonly string[]> {
  // Read from the index file: most verifications find no conflict without starting git.
  if ((await indexHasUnmergedEntries(await worktreeGitDir(dir, runId)).catch(() => undefined)) === false) return [];
  const unmerged = (await git(dir, ['diff', '--name-only', '--diff-filter=U'], { ORCH_RUN_ID: runId })).stdout.split('\n').filter((l) => l.length > 0);
  const marked: string[] = [];
  for (const file of unmerged) {
    const text = await readFile(join(dir, file), 'utf8').catch(() => '');
    if (/^<{7} |^>{7} /m.test(text)) marked.push(file);
  }
  return marked;
}
