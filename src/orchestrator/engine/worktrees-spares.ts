// Finished task worktrees kept for the next tasks. `git worktree add` writes every tracked file
// and `git worktree remove` deletes them all again; a spare moved to the next task's folder and
// switched to its branch rewrites only the files that differ. A spare holds nothing of value: its
// work is on its branch before it becomes one, so a start after a crash simply deletes any found.

import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { PARALLEL_CHECKOUT, type GitResult } from './git';
import { pausePoint } from './test-pause';
import { UNCOMMITTED_LIST } from './worktrees-kept-out';
import { gitdirPointer } from './worktrees-refs';

type Git = (cwd: string, args: readonly string[]) => Promise<GitResult>;

const SPARE_PREFIX = '.spare-';

/** Enough for the tasks that end while others start; each is a whole checkout on disk. */
const SPARE_LIMIT = 4;

export class SpareWorktrees {
  private readonly spares: string[] = [];
  // Spares being emptied: outside the caller's turn, as deleting an install can take seconds.
  private readonly cleaning = new Set<Promise<void>>();
  private named = 0;
  private reftable: boolean | undefined;

  constructor(
    private readonly root: string,
    private readonly worktreesDir: string,
    private readonly gitCommonDir: () => Promise<string>,
    private readonly git: Git,
  ) {}

  /** Whether a finished worktree should become a spare rather than be removed. */
  get wanted(): boolean {
    return this.spares.length + this.cleaning.size < SPARE_LIMIT;
  }

  /**
   * Makes the worktree at `dir`, its work committed at `sha`, a spare: moved aside, detached at
   * `sha` (its branch may then go), emptied of all git does not track (unless `untracked` says
   * there is none). False when it cannot be one here: the caller removes it as before, its
   * folder untouched.
   */
  async park(dir: string, sha: string, untracked = true): Promise<boolean> {
    const admin = await this.movable(dir);
    if (admin === undefined) return false;
    const spare = this.freeName();
    await this.move(dir, spare, admin);
    await pausePoint('worktree-parked', await this.gitCommonDir(), dir);
    // Detached by hand as git does it: the branch is no longer checked out anywhere.
    await writeFile(join(admin, 'HEAD'), `${sha}\n`);
    await rm(join(admin, UNCOMMITTED_LIST), { force: true });
    if (!untracked) this.spares.push(spare);
    else {
      // A spare whose cleaning threw is neither offered nor kept: the run's end deletes it.
      const cleaned = this.clean(spare)
        .catch(() => undefined)
        .finally(() => this.cleaning.delete(cleaned));
      this.cleaning.add(cleaned);
    }
    return true;
  }

  // Ignored files too (an install, a build): a spare starts a task as a new worktree would. Only
  // then is it offered; one git cannot empty is deleted, its record left to the next prune (one
  // now could drop the record of a spare being moved meanwhile).
  private async clean(spare: string): Promise<void> {
    if ((await this.git(spare, ['clean', '-ffdxq'])).code === 0) this.spares.push(spare);
    else await rm(spare, { recursive: true, force: true });
  }

  /**
   * Moves a spare to `dir` and checks out `branch`, made there from `start`. False when there is
   * no spare, or git refused (that spare is then deleted): the caller adds a worktree as before.
   */
  async takeOut(dir: string, branch: string, start: string): Promise<boolean> {
    const spare = this.spares.pop();
    if (spare === undefined) return false;
    const admin = await this.movable(spare);
    if (admin === undefined) {
      await this.discard(spare);
      return false;
    }
    await this.move(spare, dir, admin);
    await pausePoint('spare-moved', await this.gitCommonDir(), dir);
    const switched = await this.git(dir, [...PARALLEL_CHECKOUT, 'checkout', '-q', '-f', '-b', branch, start]);
    if (switched.code === 0) return true;
    await this.discard(dir);
    return false;
  }

  /** Resolves once the spares being emptied are ready (or deleted). */
  async cleaned(): Promise<void> {
    await Promise.allSettled([...this.cleaning]);
  }

  /**
   * Deletes every spare, this Orch's and any a crash left, with git's record of each that names
   * it (as `worktree prune` would drop it, without a git process); the caller prunes any other.
   */
  async removeAll(): Promise<void> {
    await this.cleaned();
    this.spares.length = 0;
    const names = await readdir(this.worktreesDir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => n.startsWith(SPARE_PREFIX)).map((n) => this.remove(join(this.worktreesDir, n))));
  }

  private async remove(spare: string): Promise<void> {
    const admin = await gitdirPointer(spare);
    await rm(spare, { recursive: true, force: true });
    // Only a record that still names this folder: one moved on to a task is that task's.
    if (admin === undefined || !isAbsolute(admin)) return;
    const named = await readFile(join(admin, 'gitdir'), 'utf8').catch(() => '');
    if (named.trim() === join(spare, '.git')) await rm(admin, { recursive: true, force: true });
  }

  // The worktree's own git folder, when its `.git` file names it by an absolute path (a relative
  // one would break on the move) and the repository keeps HEAD in a file. Not with submodules:
  // `git clean` keeps a checked-out submodule, and the next task would find it where a new
  // worktree has an empty folder.
  private async movable(dir: string): Promise<string | undefined> {
    if (existsSync(join(dir, '.gitmodules'))) return undefined;
    const pointer = await gitdirPointer(dir);
    if (pointer === undefined || !isAbsolute(pointer) || !existsSync(join(pointer, 'HEAD'))) return undefined;
    this.reftable ??= existsSync(join(await this.gitCommonDir(), 'reftable'));
    return this.reftable ? undefined : pointer;
  }

  // A move as `git worktree move` makes it: the folder renamed, git's record of it rewritten. A
  // kill between the two leaves a record of a folder that is gone, which `worktree prune` drops.
  private async move(from: string, to: string, admin: string): Promise<void> {
    await rename(from, to);
    await writeFile(join(admin, 'gitdir'), `${join(to, '.git')}\n`);
  }

  private freeName(): string {
    for (;;) {
      const name = join(this.worktreesDir, `${SPARE_PREFIX}${++this.named}`);
      if (!existsSync(name)) return name;
    }
  }

  private async discard(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
    await this.git(this.root, ['worktree', 'prune']);
  }
}
