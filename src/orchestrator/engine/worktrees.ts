import { appendFile, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { git as plainGit, gitOk as plainGitOk } from './git';

export interface MergeResult {
  readonly merged: boolean;
  readonly conflicts: readonly string[];
  readonly detail: string;
}

/** `PRD-3/T2` -> `PRD-3-T2`: one path segment, safe for a folder and a branch name. */
export function taskSlug(qualifiedTaskId: string): string {
  return qualifiedTaskId.replace(/[^A-Za-z0-9._-]+/g, '-');
}

// Run-time files never belong in the user's history; .git/info/exclude keeps them out of
// `git status` without touching a tracked file.
const EXCLUDES = ['.orch/runs/', '.orch/worktrees/', '.orch/cache/', '.orch/orch.json', '.orch/lock.json', '.orch/dashboard.json'];

// In a task worktree's own git folder: paths Orch put there (`.worktreeinclude` copies, what
// the setup installed) that no commit may take, NUL-separated.
const UNCOMMITTED_LIST = 'orch-uncommitted';

export interface TaskWorktree {
  readonly dir: string;
  /** Made now rather than found from an earlier start of this run: it needs its setup. */
  readonly created: boolean;
}

/**
 * Git isolation for one run: an integration branch checked out in its own worktree, and one
 * worktree + branch per writing task, created from the integration branch and merged back.
 */
export class Worktrees {
  readonly integrationBranch: string;
  readonly integrationDir: string;
  // Tasks finish in parallel, but the integration worktree and the repository's worktree list
  // take one change at a time: git refuses a second merge while one is in progress.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly paths: WorkspacePaths,
    private readonly runId: string,
  ) {
    this.integrationBranch = `orch/${runId}/integration`;
    this.integrationDir = paths.worktreeDir('_integration');
  }

  static async isGitRepo(dir: string): Promise<boolean> {
    const result = await plainGit(dir, ['rev-parse', '--show-toplevel']);
    return result.code === 0;
  }

  taskBranch(taskId: string): string {
    return `orch/${this.runId}/${taskSlug(taskId)}`;
  }

  taskDir(taskId: string): string {
    return this.paths.worktreeDir(taskSlug(taskId));
  }

  /** Idempotent: a resumed run finds its integration worktree where it left it. */
  async prepare(): Promise<void> {
    const root = this.paths.root;
    await this.excludeRuntimeFiles();
    if ((await this.git(root, ['rev-parse', '--verify', 'HEAD'])).code !== 0) {
      await this.gitOk(root, ['commit', '--allow-empty', '-m', 'orch: initial commit']);
    }
    if (!(await this.branchExists(this.integrationBranch))) {
      await this.gitOk(root, ['branch', this.integrationBranch, 'HEAD']);
    }
    await this.removeStaleLocks();
    // The folder names are per task (DESIGN.md §3), so an earlier run's worktree may sit where
    // this run's goes; its integration worktree holds only commits, nothing to keep.
    if (existsSync(this.integrationDir) && (await this.checkedOutBranch(this.integrationDir)) !== this.integrationBranch) {
      await this.gitOk(root, ['worktree', 'remove', '--force', this.integrationDir]);
    }
    if (!existsSync(this.integrationDir)) {
      await this.gitOk(root, ['worktree', 'prune']);
      await this.gitOk(root, ['worktree', 'add', this.integrationDir, this.integrationBranch]);
    } else {
      // Orch's own worktree: anything in it that is not committed is a merge a crash cut short,
      // and the log redoes that merge, so start from the branch as committed.
      await this.git(this.integrationDir, ['merge', '--abort']);
      await this.gitOk(this.integrationDir, ['reset', '-q', '--hard', 'HEAD']);
      await this.gitOk(this.integrationDir, ['clean', '-fdq']);
    }
  }

  // Git runs for this run carry its marker, so a resume after a crash finds and stops a merge
  // or hook that outlived the Orch that started it.
  private git(cwd: string, args: readonly string[]) {
    return plainGit(cwd, args, { ORCH_RUN_ID: this.runId });
  }

  private gitOk(cwd: string, args: readonly string[]) {
    return plainGitOk(cwd, args, { ORCH_RUN_ID: this.runId });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Creates (or reuses, on resume) the task's worktree on its own branch. */
  async forTask(taskId: string): Promise<string> {
    return (await this.obtain(taskId)).dir;
  }

  /** Like `forTask`, saying whether the worktree is new. */
  obtain(taskId: string): Promise<TaskWorktree> {
    return this.serial(() => this.addTaskWorktree(taskId));
  }

  private async addTaskWorktree(taskId: string): Promise<TaskWorktree> {
    const dir = this.taskDir(taskId);
    const branch = this.taskBranch(taskId);
    if (existsSync(dir)) {
      if ((await this.checkedOutBranch(dir)) === branch) return { dir, created: false };
      await this.setAsideForeignWorktree(dir);
    }
    if (await this.branchExists(branch)) {
      // A resumed task whose folder is gone: drop the stale registration before re-adding it.
      await this.gitOk(this.paths.root, ['worktree', 'prune']);
      await this.gitOk(this.paths.root, ['worktree', 'add', dir, branch]);
    } else {
      await this.gitOk(this.paths.root, ['worktree', 'add', '-b', branch, dir, this.integrationBranch]);
    }
    return { dir, created: true };
  }

  /**
   * Paths in the task's worktree that stay out of its commits even where the branch's
   * .gitignore does not ignore them (a .gitignore changed but not committed in the workspace).
   */
  async keepOutOfCommits(taskId: string, paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    const list = join((await this.gitOk(this.taskDir(taskId), ['rev-parse', '--absolute-git-dir'])).trim(), UNCOMMITTED_LIST);
    await appendFile(list, paths.map((p) => `${p}\0`).join(''));
  }

  /** Stages everything in `dir` but what Orch put there, and commits it if anything is staged. */
  private async commitAll(dir: string, message: string): Promise<void> {
    await this.gitOk(dir, ['add', '-A']);
    const list = join((await this.gitOk(dir, ['rev-parse', '--absolute-git-dir'])).trim(), UNCOMMITTED_LIST);
    if (existsSync(list)) {
      // Back to what the branch has: an untracked copy leaves the index, and nothing else changes.
      await plainGitOk(dir, ['reset', '-q', `--pathspec-from-file=${list}`, '--pathspec-file-nul'], { ORCH_RUN_ID: this.runId, GIT_LITERAL_PATHSPECS: '1' });
    }
    if ((await this.git(dir, ['diff', '--cached', '--quiet'])).code !== 0) await this.gitOk(dir, ['commit', '-q', '-m', message]);
  }

  /**
   * An earlier run's task worktree in this task's folder: its uncommitted work is committed to
   * its own branch (where it stays, never deleted), then the folder is freed for this run.
   */
  private async setAsideForeignWorktree(dir: string): Promise<void> {
    // A folder git does not know as a worktree (git would answer for the main repository from
    // inside it): keep it, renamed, rather than guess what it holds.
    const top = await this.git(dir, ['rev-parse', '--show-toplevel']);
    if (top.code !== 0 || resolve(top.stdout.trim()) !== resolve(dir)) {
      await rename(dir, `${dir}.stale-${Date.now()}`);
      return;
    }
    if ((await this.git(dir, ['status', '--porcelain'])).stdout.trim() !== '') {
      await this.commitAll(dir, 'orch: work left in this worktree by an earlier run');
    }
    await this.gitOk(this.paths.root, ['worktree', 'remove', '--force', dir]);
  }

  private async checkedOutBranch(dir: string): Promise<string | undefined> {
    const head = await this.git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    return head.code === 0 ? head.stdout.trim() : undefined;
  }

  /** Commits whatever the agent left in its worktree; returns the files changed since the fork. */
  async commitTask(taskId: string, message: string): Promise<readonly string[]> {
    const dir = this.taskDir(taskId);
    await this.commitAll(dir, message);
    const diff = await this.gitOk(dir, ['diff', '--name-only', `${this.integrationBranch}...HEAD`]);
    return diff.split('\n').filter((l) => l.length > 0);
  }

  /** Files of an unfinished merge in the task's worktree that still carry conflict markers. */
  async unresolvedConflicts(taskId: string): Promise<readonly string[]> {
    const dir = this.taskDir(taskId);
    const unmerged = (await this.git(dir, ['diff', '--name-only', '--diff-filter=U'])).stdout.split('\n').filter((l) => l.length > 0);
    const marked: string[] = [];
    for (const file of unmerged) {
      const text = await readFile(join(dir, file), 'utf8').catch(() => '');
      if (/^<{7} |^>{7} /m.test(text)) marked.push(file);
    }
    return marked;
  }

  /** Merges the task's branch into the integration branch; a conflict is reported, never left half-done. */
  merge(taskId: string, message: string): Promise<MergeResult> {
    return this.serial(() => this.mergeNow(taskId, message));
  }

  private async mergeNow(taskId: string, message: string): Promise<MergeResult> {
    const result = await this.git(this.integrationDir, ['merge', '--no-ff', '-m', message, this.taskBranch(taskId)]);
    if (result.code === 0) return { merged: true, conflicts: [], detail: result.stdout.trim() };
    const conflicts = (await this.git(this.integrationDir, ['diff', '--name-only', '--diff-filter=U'])).stdout
      .split('\n')
      .filter((l) => l.length > 0);
    await this.git(this.integrationDir, ['merge', '--abort']);
    const detail = `${result.stdout}${result.stderr}`.trim();
    // A merge that failed without conflicts is the repository's problem, not the agent's work.
    if (conflicts.length === 0) throw new Error(`merging ${taskId} into ${this.integrationBranch} failed: ${detail}`);
    return { merged: false, conflicts, detail };
  }

  /** Removes the task's worktree; its branch goes only when the integration branch contains it. */
  cleanupTask(taskId: string): Promise<{ readonly branchKept: boolean }> {
    return this.serial(() => this.cleanupNow(taskId));
  }

  private async cleanupNow(taskId: string): Promise<{ readonly branchKept: boolean }> {
    const dir = this.taskDir(taskId);
    if (existsSync(dir)) {
      if ((await this.gitOk(dir, ['status', '--porcelain'])).trim() !== '') {
        await this.commitAll(dir, `orch: work in progress on ${taskId}`);
      }
      await this.gitOk(this.paths.root, ['worktree', 'remove', '--force', dir]);
    }
    // `branch -d` deletes only a branch that is merged into HEAD, so check against the
    // integration branch by running it there; unmerged work stays on its branch.
    const deleted = await this.git(this.integrationDir, ['branch', '-d', this.taskBranch(taskId)]);
    if (deleted.code === 0) return { branchKept: false };
    return { branchKept: await this.branchExists(this.taskBranch(taskId)) };
  }

  async removeIntegrationWorktree(): Promise<void> {
    if (existsSync(this.integrationDir)) await this.gitOk(this.paths.root, ['worktree', 'remove', '--force', this.integrationDir]);
    await rm(this.integrationDir, { recursive: true, force: true });
  }

  private async branchExists(branch: string): Promise<boolean> {
    return (await this.git(this.paths.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
  }

  /**
   * Lock files left by git processes of this run that a crash (and the orphan cleanup after it)
   * killed mid-operation. Called with the run lock held and the orphans gone, so none is live.
   */
  private async removeStaleLocks(): Promise<void> {
    const common = resolve(this.paths.root, (await this.gitOk(this.paths.root, ['rev-parse', '--git-common-dir'])).trim());
    const worktreeAdmin = join(common, 'worktrees');
    const admins = await readdir(worktreeAdmin).catch(() => [] as string[]);
    for (const name of admins) {
      const gitdir = await readFile(join(worktreeAdmin, name, 'gitdir'), 'utf8').catch(() => '');
      if (gitdir.trim().startsWith(this.paths.worktreesDir)) await rm(join(worktreeAdmin, name, 'index.lock'), { force: true });
    }
    const refs = join(common, 'refs', 'heads', 'orch', this.runId);
    for (const entry of await readdir(refs, { recursive: true }).catch(() => [] as string[])) {
      if (entry.endsWith('.lock')) await rm(join(refs, entry), { force: true });
    }
  }

  private async excludeRuntimeFiles(): Promise<void> {
    const gitDir = (await this.gitOk(this.paths.root, ['rev-parse', '--git-common-dir'])).trim();
    const excludeFile = join(resolve(this.paths.root, gitDir), 'info', 'exclude');
    await mkdir(join(excludeFile, '..'), { recursive: true });
    const current = await readFile(excludeFile, 'utf8').catch(() => '');
    const missing = EXCLUDES.filter((line) => !current.split('\n').includes(line));
    if (missing.length > 0) await appendFile(excludeFile, `${current.endsWith('\n') || current === '' ? '' : '\n'}${missing.join('\n')}\n`);
  }
}
