// Merged task branches are deleted a batch at a time: one `update-ref --stdin` transaction
// instead of a git process per task. A branch waiting here is already merged and its worktree
// gone, so a kill before the batch runs loses nothing: the next start of the run deletes it.

import { existsSync } from 'node:fs';
import type { GitResult } from './git';
import { pausePoint } from './test-pause';

type Git = (args: readonly string[], input?: string) => Promise<GitResult>;

// Enough to make one process serve many tasks, few enough that a long run does not keep
// hundreds of merged branches around until its end.
const BATCH = 8;

export class BranchDeletions {
  /** Branch name -> the tip that was checked as merged: only that tip is deleted. */
  private readonly pending = new Map<string, string>();

  constructor(
    private readonly git: Git,
    private readonly gitCommonDir: () => Promise<string>,
  ) {}

  has(branch: string): boolean {
    return this.pending.has(branch);
  }

  /** Queues the deletion; says whether enough are queued for a batch to run now. */
  add(branch: string, sha: string): boolean {
    this.pending.set(branch, sha);
    return this.pending.size >= BATCH;
  }

  async flush(): Promise<void> {
    const batch = [...this.pending];
    this.pending.clear();
    if (batch.length === 0) return;
    await pausePoint('branch-deletion', await this.gitCommonDir(), batch.map(([branch]) => branch).join(' '));
    const all = await this.git(['update-ref', '--stdin'], batch.map(([branch, sha]) => `delete refs/heads/${branch} ${sha}\n`).join(''));
    if (all.code === 0) return;
    // The transaction is all or nothing: one branch that moved since its check fails the others,
    // so each goes on its own, and only the moved one stays.
    const failed: string[] = [];
    for (const [branch, sha] of batch) {
      const one = await this.git(['update-ref', '-d', `refs/heads/${branch}`, sha]);
      if (one.code !== 0) failed.push(`${branch}: ${one.stderr.trim()}`);
    }
    if (failed.length > 0) throw new Error(`could not delete merged branches: ${failed.join('; ')}`);
  }
}

/**
 * This run's task branches that the integration branch contains and no worktree uses: what a
 * kill left between a worktree's removal and its branch's deletion. Deleting them loses nothing,
 * every commit on them being on the integration branch.
 */
export async function deleteMergedLeftovers(git: Git, runId: string, integrationBranch: string, taskDirOf: (slug: string) => string): Promise<void> {
  const prefix = `refs/heads/orch/${runId}/`;
  const listed = await git(['for-each-ref', `--merged=refs/heads/${integrationBranch}`, '--format=%(objectname) %(refname)', prefix]);
  if (listed.code !== 0) return;
  const deletions = listed.stdout
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields): fields is [string, string] => fields.length === 2 && fields[1] !== `refs/heads/${integrationBranch}`)
    .filter(([, ref]) => {
      const dir = taskDirOf(ref.slice(prefix.length));
      return !existsSync(dir) && !existsSync(`${dir}.adding`);
    });
  if (deletions.length === 0) return;
  await git(['update-ref', '--stdin'], deletions.map(([sha, ref]) => `delete ${ref} ${sha}\n`).join(''));
}
