import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FileLineCount } from '../../protocol/events';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { git as plainGit, gitOk as plainGitOk, PARALLEL_CHECKOUT } from './git';
import { mergeWithoutCheckout, type MergedCommits, type MergedTip, type MergeResult, type MergeTips } from './merge-without-checkout';
import { pausePoint } from './test-pause';
import { WorkLane } from './work-lane';
import { BranchDeletions, deleteMergedLeftovers } from './worktrees-branch-deletions';
import { onlyKeptOut, readKeptOut, UNCOMMITTED_LIST } from './worktrees-kept-out';
import { linesOfMergedBranch, parseNumstat } from './worktrees-numstat';
import { commitAll, unresolvedConflicts, worktreeGitDir } from './worktrees-commit';
import { dropHalfAdded, excludeRuntimeFiles, hasOtherRunBranches, hasWorktreeRecords, removeStaleLocks, setAsideForeignWorktree } from './worktrees-prepare';
import { readBranchTip, readCheckedOutBranch } from './worktrees-refs';
import { SpareWorktrees } from './worktrees-spares';

/** `PRD-3/T2` -> `PRD-3-T2`: one path segment, safe for a folder and a branch name. */
export function taskSlug(qualifiedTaskId: string): string {
  return qualifiedTaskId.replace(/[^A-Za-z0-9._-]+/g, '-');
}

export interface TaskWorktree {
  readonly dir: string;
  /** Made now rather than found from an earlier start of this run: it needs its setup. */
  readonly created: boolean;
}

/** A task's committed change as verified: its tip, the files it touched and their line counts. */
interface CommittedChange {
  readonly head: string;
  readonly lines: readonly FileLineCount[];
}

interface Prefetch {
  started: boolean;
  done: Promise<TaskWorktree | undefined>;
}

/**
 * Git isolation for one run: an integration branch, and one worktree + branch per writing task,
 * created from the integration branch and merged back into it without a checkout. Worktrees are
 * added ahead of need and removed after it in the background, so an agent rarely waits for git.
 */
export class Worktrees {
  readonly integrationBranch: string;
  /** Where runs before merges without a checkout kept the integration branch checked out. */
  readonly integrationDir: string;
  // Worktree additions and removals take turns, so tasks get theirs in dispatch order (the first
  // one dispatched is the one that installs what later worktrees reuse), and because git cannot
  // add two at once: an add reads every worktree's record and fails on one still being written
  // ("failed to read .git/worktrees/<name>/commondir", seen with six adds at once, git 2.39).
  // Merges move the one integration branch, so they take turns too, in a lane of their own.
  private readonly trees = new WorkLane(1);
  private readonly merges = new WorkLane(1);
  private readonly prefetched = new Map<string, Prefetch>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly backgroundErrors: string[] = [];
  private readonly mergedCommits = new Map<string, MergedCommits>();
  private readonly committed = new Map<string, CommittedChange>();
  private readonly deletions = new BranchDeletions((args, input) => this.git(this.paths.root, args, input), () => this.gitCommonDir());
  private readonly spares: SpareWorktrees;
  // Task commits leave git's automatic maintenance to one run at the end of the run: started by
  // every commit, its check alone costs a process per task.
  private committedSinceMaintenance = false;
  /** The integration branch as this Orch's last merge left it. */
  private integrationTip: MergedTip | undefined;
  private commonDir: string | undefined;

  constructor(
    private readonly paths: WorkspacePaths,
    private readonly runId: string,
  ) {
    this.integrationBranch = `orch/${runId}/integration`;
    this.integrationDir = paths.worktreeDir('_integration');
    this.spares = new SpareWorktrees(paths.root, paths.worktreesDir, () => this.gitCommonDir(), (cwd, args) => this.git(cwd, args));
  }

  /** The run's worktrees when the workspace is a git repository; undefined when it is not. */
  static async open(paths: WorkspacePaths, runId: string): Promise<Worktrees | undefined> {
    // One git process answers both questions: a run's start waits for each one.
    const result = await plainGit(paths.root, ['rev-parse', '--show-toplevel', '--git-common-dir']);
    const commonDir = result.stdout.split('\n')[1]?.trim();
    if (result.code !== 0 || commonDir === undefined || commonDir === '') return undefined;
    const worktrees = new Worktrees(paths, runId);
    worktrees.commonDir = resolve(paths.root, commonDir);
    return worktrees;
  }

  taskBranch(taskId: string): string {
    return `orch/${this.runId}/${taskSlug(taskId)}`;
  }

  taskDir(taskId: string): string {
    return this.paths.worktreeDir(taskSlug(taskId));
  }

  /** Idempotent: a resumed run finds its integration branch where it left it. */
  async prepare(): Promise<void> {
    const root = this.paths.root;
    const common = await this.gitCommonDir();
    await excludeRuntimeFiles(common);
    const fresh = !(await this.branchExists(this.integrationBranch));
    // A repository without a commit yet gets one: the branch needs a start. Tried first, asked after.
    if (fresh && (await this.git(root, ['branch', this.integrationBranch, 'HEAD'])).code !== 0) {
      if ((await this.git(root, ['rev-parse', '--verify', 'HEAD'])).code !== 0) await this.gitOk(root, ['commit', '--allow-empty', '-m', 'orch: initial commit']);
      await this.gitOk(root, ['branch', this.integrationBranch, 'HEAD']);
    }
    await removeStaleLocks(common, this.paths.worktreesDir, this.runId);
    // A checkout of an integration branch (this run's before an upgrade, or an earlier run's)
    // holds only commits, all on its branch; a checkout left there would go stale as merges
    // move the branch under it.
    if (existsSync(this.integrationDir)) await this.removeIntegrationWorktree();
    await mkdir(this.paths.worktreesDir, { recursive: true });
    await this.spares.removeAll();
    if (await hasWorktreeRecords(common)) await this.gitOk(root, ['worktree', 'prune']);
    if (!fresh || (await hasOtherRunBranches(common, this.runId))) {
      await deleteMergedLeftovers((args, input) => this.git(root, args, input), this.runId, this.integrationBranch, (slug) => this.paths.worktreeDir(slug));
    }
  }

  // Git runs for this run carry its marker, so a resume after a crash finds and stops a merge
  // or hook that outlived the Orch that started it.
  private git(cwd: string, args: readonly string[], input?: string) {
    return plainGit(cwd, args, { ORCH_RUN_ID: this.runId }, input);
  }

  private gitOk(cwd: string, args: readonly string[]) {
    return plainGitOk(cwd, args, { ORCH_RUN_ID: this.runId });
  }

  private async gitCommonDir(): Promise<string> {
    this.commonDir ??= resolve(this.paths.root, (await this.gitOk(this.paths.root, ['rev-parse', '--git-common-dir'])).trim());
    return this.commonDir;
  }

  /** Creates (or reuses, on resume) the task's worktree on its own branch. */
  async forTask(taskId: string): Promise<string> {
    return (await this.obtain(taskId)).dir;
  }

  /** Like `forTask`, saying whether the worktree is new. */
  async obtain(taskId: string): Promise<TaskWorktree> {
    const early = this.prefetched.get(taskId);
    this.prefetched.delete(taskId);
    // A prefetch still queued is dropped (it finds itself gone) and the worktree made now.
    if (early?.started === true) {
      const made = await early.done;
      if (made !== undefined) return made;
    }
    return this.trees.run(() => this.addTaskWorktree(taskId), 'urgent');
  }

  /** Runs `step` while no worktree is added or removed: a fetch checks every worktree's HEAD, and a half-made one fails it. */
  betweenChanges<T>(step: () => Promise<T>): Promise<T> {
    return this.trees.run(step, 'urgent');
  }

  /**
   * Starts adding the task's worktree in the background, for a task that is ready but has no
   * slot yet: its `obtain` then finds it made. Its setup still runs at dispatch.
   */
  prefetch(taskId: string): Promise<TaskWorktree | undefined> {
    const known = this.prefetched.get(taskId);
    if (known !== undefined) return known.done;
    const entry: Prefetch = { started: false, done: Promise.resolve(undefined) };
    // Registered before it is queued: an idle lane starts the work at once, and it checks this.
    this.prefetched.set(taskId, entry);
    entry.done = this.trees.run(async () => {
      if (this.prefetched.get(taskId) !== entry) return undefined;
      entry.started = true;
      return this.addTaskWorktree(taskId);
    }, 'background');
    // Its error, if any, is the dispatch's to see: `obtain` awaits this same promise.
    entry.done.catch(() => undefined);
    return entry.done;
  }

  /** Whether the task's prefetch has begun: its outcome is then the one `obtain` returns. */
  prefetchStarted(taskId: string): boolean {
    return this.prefetched.get(taskId)?.started === true;
  }

  private async addTaskWorktree(taskId: string): Promise<TaskWorktree> {
    const dir = this.taskDir(taskId);
    const branch = this.taskBranch(taskId);
    // Present while git adds the worktree: found on resume, it means a kill cut the checkout
    // short, and nothing has run in that folder yet.
    const adding = `${dir}.adding`;
    if (existsSync(adding)) await dropHalfAdded(await this.gitCommonDir(), dir, () => this.gitOk(this.paths.root, ['worktree', 'prune']));
    if (existsSync(dir)) {
      if ((await this.checkedOutBranch(dir)) === branch) return { dir, created: false };
      await setAsideForeignWorktree(dir, this.paths.root, this.runId, (message) => this.commitAll(dir, message));
    }
    await writeFile(adding, `${this.runId}\n`);
    // A task run again before its merged branch's deletion came round starts from the integration branch, as one whose branch went.
    if (this.deletions.has(branch)) await this.deletions.flush();
    if (await this.branchExists(branch)) {
      // A resumed task whose folder is gone: drop the stale registration before re-adding it.
      await this.gitOk(this.paths.root, ['worktree', 'prune']);
      await this.gitOk(this.paths.root, [...PARALLEL_CHECKOUT, 'worktree', 'add', dir, branch]);
    } else if (!(await this.spares.takeOut(dir, branch, this.integrationBranch))) {
      // No spare (or git refused one, which creates no branch): a worktree of its own.
      await this.gitOk(this.paths.root, [...PARALLEL_CHECKOUT, 'worktree', 'add', '-b', branch, dir, this.integrationBranch]);
    }
    await pausePoint('worktree-added', await this.gitCommonDir(), branch);
    await rm(adding, { force: true });
    return { dir, created: true };
  }

  /**
   * Paths in the task's worktree that stay out of its commits even where the branch's
   * .gitignore does not ignore them (a .gitignore changed but not committed in the workspace).
   */
  async keepOutOfCommits(taskId: string, paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    const list = join(await this.gitDirOf(this.taskDir(taskId)), UNCOMMITTED_LIST);
    await appendFile(list, paths.map((p) => `${p}\0`).join(''));
  }

  private gitDirOf(dir: string): Promise<string> {
    return worktreeGitDir(dir, this.runId);
  }

  private async commitAll(dir: string, message: string): Promise<void> {
    this.committedSinceMaintenance = true;
    await commitAll(dir, message, this.runId);
  }

  private async checkedOutBranch(dir: string): Promise<string | undefined> {
    const read = await readCheckedOutBranch(dir);
    if (read !== undefined) return read.branch;
    const head = await this.git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    return head.code === 0 ? head.stdout.trim() : undefined;
  }

  /** Commits whatever the agent left in its worktree; returns the files changed since the fork. */
  async commitTask(taskId: string, message: string): Promise<readonly string[]> {
    const dir = this.taskDir(taskId);
    await this.commitAll(dir, message);
    // One diff gives the files and their line counts; a merge of this same tip reuses the counts.
    const lines = parseNumstat(await this.gitOk(dir, ['diff', '--numstat', '-z', `${this.integrationBranch}...HEAD`]));
    const head = (await readBranchTip(await this.gitCommonDir(), this.taskBranch(taskId)))?.sha;
    if (head === undefined) this.committed.delete(taskId);
    else this.committed.set(taskId, { head, lines });
    return lines.map((l) => l.file);
  }

  /** Files of an unfinished merge in the task's worktree that still carry conflict markers. */
  unresolvedConflicts(taskId: string): Promise<readonly string[]> {
    return unresolvedConflicts(this.taskDir(taskId), this.runId);
  }

  /** Merges the task's branch into the integration branch; a conflict is reported, never left half-done. */
  merge(taskId: string, message: string): Promise<MergeResult> {
    return this.merges.run(async () => {
      const git = (args: readonly string[]) => this.git(this.paths.root, args);
      const { commits, tip, ...result } = await mergeWithoutCheckout(git, await this.gitCommonDir(), this.integrationBranch, this.taskBranch(taskId), message, await this.knownTips(taskId));
      if (commits !== undefined) this.mergedCommits.set(taskId, commits);
      if (tip !== undefined) this.integrationTip = tip;
      // A merge that failed without conflicts is the repository's problem, not the agent's work.
      if (!result.merged && result.conflicts.length === 0) throw new Error(`merging ${taskId} into ${this.integrationBranch} failed: ${result.detail}`);
      return result;
    });
  }

  // Both tips from git's files, and the integration tree from this Orch's last merge: a merge
  // then starts without a git process. Undefined when any of them is not known so.
  private async knownTips(taskId: string): Promise<MergeTips | undefined> {
    const last = this.integrationTip;
    if (last === undefined) return undefined;
    const common = await this.gitCommonDir();
    const [base, head] = await Promise.all([readBranchTip(common, this.integrationBranch), readBranchTip(common, this.taskBranch(taskId))]);
    if (base?.sha !== last.commit || head?.sha === undefined) return undefined;
    return { base: last.commit, head: head.sha, baseTree: last.tree };
  }

  /** Removes the task's worktree; its branch goes only when the integration branch contains it. */
  async cleanupTask(taskId: string): Promise<{ readonly branchKept: boolean }> {
    const { branchKept } = await this.trees.run(async () => {
      const result = await this.cleanupNow(taskId);
      await this.deletions.flush();
      return result;
    }, 'background');
    await this.spares.cleaned();
    return { branchKept };
  }

  /** `cleanupTask` off the caller's path, its branch deleted in a later batch: `drain` waits for both and reports what failed. */
  cleanupInBackground(taskId: string): void {
    // Ahead of the additions while it can become a spare: an agent waiting for a worktree gets it
    // sooner from a spare made first than from a new one, and on a busy machine background work
    // would wait for the run's end.
    const removal = this.trees.run(async () => {
      const result = await this.cleanupNow(taskId);
      if (result.batchFull) await this.deletions.flush();
    }, this.spares.wanted ? 'urgent' : 'background');
    const done = removal.catch((error: unknown) => {
      this.backgroundErrors.push(`could not remove ${taskId}'s worktree ${this.taskDir(taskId)}: ${(error as Error).message}`);
    });
    this.background.add(done);
    void done.finally(() => this.background.delete(done));
  }

  /**
   * Waits for the background work, after removing the worktrees prefetched for tasks that never
   * started; returns what failed, for the run to say (nothing in them is lost: a worktree whose
   * removal failed is still there, its work committed to its branch or left in it).
   */
  async drain(): Promise<readonly string[]> {
    const unused = [...this.prefetched.entries()];
    this.prefetched.clear();
    for (const [taskId, entry] of unused) {
      if (entry.started && (await entry.done.catch(() => undefined))?.created === true) this.cleanupInBackground(taskId);
    }
    while (this.background.size > 0) await Promise.all([...this.background]);
    await this.trees.run(async () => {
      await this.spares.removeAll();
      if (await hasWorktreeRecords(await this.gitCommonDir())) await this.git(this.paths.root, ['worktree', 'prune']);
    }, 'background');
    await this.trees.run(() => this.deletions.flush(), 'background').catch((error: unknown) => this.backgroundErrors.push((error as Error).message));
    if (this.committedSinceMaintenance) {
      this.committedSinceMaintenance = false;
      await this.git(this.paths.root, ['maintenance', 'run', '--auto', '--quiet']);
    }
    return this.backgroundErrors.splice(0);
  }

  private async cleanupNow(taskId: string): Promise<{ readonly branchKept: boolean; readonly batchFull?: boolean }> {
    const dir = this.taskDir(taskId);
    // The folder is per task, not per run: another run's worktree there is not this one's to remove.
    if (existsSync(dir) && (await this.checkedOutBranch(dir)) === this.taskBranch(taskId)) {
      await pausePoint('cleanup-before-remove', await this.gitCommonDir(), this.taskBranch(taskId));
      // A clean worktree goes in one step. Git refuses one with changes or untracked files: what
      // is there is committed to its branch first, then the folder goes. One where Orch put files
      // is refused for those alone, so it is not offered to git as clean.
      const keptOut = await readKeptOut(await this.gitDirOf(dir));
      // A spare is only made of a worktree whose work is on its branch, checked: it gets emptied.
      const spare = this.spares.wanted;
      if (spare || keptOut !== undefined || (await this.git(this.paths.root, ['worktree', 'remove', dir])).code !== 0) {
        // With the ignored files listed too, an empty answer tells a spare it has nothing to clean.
        const status = await this.gitOk(dir, ['status', '--porcelain', '-z', ...(spare ? ['--ignored'] : [])]);
        if (!onlyKeptOut(status, keptOut ?? [])) await this.commitAll(dir, `orch: work in progress on ${taskId}`);
        const tip = await this.branchTip(this.taskBranch(taskId));
        if (!spare || tip === undefined || !(await this.spares.park(dir, tip, status !== ''))) await this.gitOk(this.paths.root, ['worktree', 'remove', '--force', dir]);
      }
    }
    // Only a branch the integration branch contains goes, and only at the tip that was checked:
    // unmerged work stays on its branch.
    const branch = this.taskBranch(taskId);
    const sha = await this.branchTip(branch);
    if (sha === undefined) return { branchKept: false };
    // The tip this Orch merged needs no asking: its merge moved the integration branch, which only moves forward.
    if (this.mergedCommits.get(taskId)?.head !== sha && (await this.git(this.paths.root, ['merge-base', '--is-ancestor', sha, `refs/heads/${this.integrationBranch}`])).code !== 0) return { branchKept: true };
    return { branchKept: false, batchFull: this.deletions.add(branch, sha) };
  }

  /** Removes a checkout of an integration branch that runs before this version kept. */
  async removeIntegrationWorktree(): Promise<void> {
    if (existsSync(join(this.integrationDir, '.git'))) await this.git(this.paths.root, ['worktree', 'remove', '--force', this.integrationDir]);
    if (existsSync(join(this.integrationDir, '.git'))) await rm(this.integrationDir, { recursive: true, force: true });
    await this.gitOk(this.paths.root, ['worktree', 'prune']);
  }

  private async branchTip(branch: string): Promise<string | undefined> {
    const read = await readBranchTip(await this.gitCommonDir(), branch);
    if (read !== undefined) return read.sha;
    const tip = await this.git(this.paths.root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
    return tip.code === 0 ? tip.stdout.trim() : undefined;
  }

  private async branchExists(branch: string): Promise<boolean> {
    return (await this.branchTip(branch)) !== undefined;
  }

  /**
   * Added and removed lines per file of a merged task's change, from where the task forked (or
   * last took in integrated work) to its branch: what `files` lists, counted. Undefined when git
   * cannot tell: the counts inform the reader, they never decide anything.
   */
  async changedLines(taskId: string): Promise<readonly FileLineCount[] | undefined> {
    const merged = this.mergedCommits.get(taskId);
    const committed = this.committed.get(taskId);
    // The tip merged is the one committed and counted then: its counts stand without a git process.
    if (merged !== undefined && committed?.head === merged.head) return committed.lines;
    return linesOfMergedBranch((args) => this.git(this.paths.root, args), this.integrationBranch, this.taskBranch(taskId), merged);
  }
}
