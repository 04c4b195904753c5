import type { RunSnapshot } from '../../protocol/run-snapshot';
import { gitOk } from '../engine/git';
import { resolveTaskRef } from '../engine/task-selection';
import { InputError } from '../errors';
import { branchTip, integrationBranchOf, runBase, taskMerges } from './run-commits';

export type FileStatus = 'added' | 'modified' | 'deleted' | 'type-changed';

export interface ChangedFile {
  readonly path: string;
  readonly status: FileStatus;
  /** Lines added and removed; null for a binary file. */
  readonly additions: number | null;
  readonly deletions: number | null;
}

/** A run's (or one task's) verified work: the change from `base` to `head`, both commits. */
export interface ChangeSet {
  readonly runId: string;
  readonly branch: string;
  readonly taskId?: string;
  readonly base: string;
  readonly head: string;
  readonly files: readonly ChangedFile[];
}

/** The task has no verified work on the integration branch (yet): not bad input, nothing to show. */
export class NoVerifiedWorkError extends Error {
  override readonly name = 'NoVerifiedWorkError';
}

/**
 * Reads only git objects and refs, never a worktree: safe while the run is active and after
 * its worktrees are gone. `where` names the run's log in errors.
 */
export async function runChanges(root: string, run: RunSnapshot, where: string, taskRef?: string): Promise<ChangeSet> {
  const branch = integrationBranchOf(run.runId);
  const taskId = taskRef === undefined ? undefined : resolveTaskRef(run, taskRef, where);
  const tip = await branchTip(root, branch);
  if (tip === undefined) {
    throw new InputError(`run ${run.runId} has no branch ${branch} in ${root}`, { file: where }, 'the run made no git worktrees, or the branch was deleted');
  }
  const base = await runBase(root, branch, tip, run.startedAt, run.taskOrder);
  if (taskId === undefined) return { runId: run.runId, branch, base, head: tip, files: await changedFiles(root, base, tip) };
  const merge = (await taskMerges(root, base, tip, run.startedAt, run.taskOrder)).find((m) => m.taskId === taskId);
  if (merge === undefined) {
    const state = run.tasks[taskId]!.state;
    // A verified task that changed nothing has no merge commit: its change is empty.
    if (state === 'verified') return { runId: run.runId, branch, taskId, base: tip, head: tip, files: [] };
    throw new NoVerifiedWorkError(`${taskId} has no verified work on ${branch}: the task is ${state}`);
  }
  const parent = `${merge.commit}^1`;
  const left = (await gitOk(root, ['rev-parse', parent])).trim();
  return { runId: run.runId, branch, taskId, base: left, head: merge.commit, files: await changedFiles(root, left, merge.commit) };
}

/** The plain unified diff (or diffstat) of a change set, without colour, pager or external tools. */
export async function diffText(root: string, changes: ChangeSet, stat: boolean): Promise<string> {
  if (changes.base === changes.head) return '';
  return gitOk(root, ['diff', '--no-color', '--no-ext-diff', ...(stat ? ['--stat'] : []), changes.base, changes.head, '--']);
}

const STATUS: Readonly<Record<string, FileStatus>> = { A: 'added', M: 'modified', D: 'deleted', T: 'type-changed' };

export async function changedFiles(root: string, base: string, head: string): Promise<ChangedFile[]> {
  if (base === head) return [];
  // Without renames every entry is one path, present on one side or both: what a diff view needs.
  const names = (await gitOk(root, ['diff', '--no-renames', '--name-status', '-z', base, head, '--'])).split('\0');
  const counts = (await gitOk(root, ['diff', '--no-renames', '--numstat', '-z', base, head, '--'])).split('\0');
  const lines = new Map<string, { additions: number | null; deletions: number | null }>();
  for (const entry of counts) {
    const [added, removed, ...path] = entry.split('\t');
    if (path.length === 0) continue;
    lines.set(path.join('\t'), { additions: added === '-' ? null : Number(added), deletions: removed === '-' ? null : Number(removed) });
  }
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < names.length; i += 2) {
    const path = names[i + 1]!;
    files.push({ path, status: STATUS[names[i]!] ?? 'modified', ...(lines.get(path) ?? { additions: null, deletions: null }) });
  }
  return files;
}
