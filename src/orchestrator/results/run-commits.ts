import { git, gitOk } from '../engine/git';

// The run's integration branch is the record of its verified work: Orch creates it at the
// commit the user was on when the run started and adds one `--no-ff` merge per verified task.

export function integrationBranchOf(runId: string): string {
  return `orch/${runId}/integration`;
}

export interface TaskMergeCommit {
  readonly taskId: string;
  readonly commit: string;
}

/** The branch's tip, or undefined when the run never got as far as creating it. */
export async function branchTip(root: string, branch: string): Promise<string | undefined> {
  const result = await git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/**
 * The commit the run started from. The branch's reflog says where it was created; without a
 * reflog (expired, or a clone) the first-parent chain is walked back over the run's own task
 * merges (subject `orch: merge <task> (`, made after the run started).
 */
export async function runBase(root: string, branch: string, tip: string, startedAt: string, taskIds: readonly string[]): Promise<string> {
  const created = await creationCommit(root, branch);
  if (created !== undefined && (await git(root, ['merge-base', '--is-ancestor', created, tip])).code === 0) return created;
  let base = tip;
  for (const commit of await firstParentChain(root, tip)) {
    if (runMergeTask(commit, startedAt, taskIds) === undefined) return commit.hash;
    base = commit.parents[0] ?? commit.hash;
  }
  return base;
}

/** The run's task merges on its first-parent chain from `tip` back to `base`, newest first. */
export async function taskMerges(root: string, base: string, tip: string, startedAt: string, taskIds: readonly string[]): Promise<TaskMergeCommit[]> {
  if (base === tip) return [];
  const merges: TaskMergeCommit[] = [];
  for (const commit of await firstParentChain(root, `${base}..${tip}`)) {
    const taskId = runMergeTask(commit, startedAt, taskIds);
    if (taskId !== undefined) merges.push({ taskId, commit: commit.hash });
  }
  return merges;
}

interface ChainCommit {
  readonly hash: string;
  readonly parents: readonly string[];
  readonly committedSec: number;
  readonly subject: string;
}

async function creationCommit(root: string, branch: string): Promise<string | undefined> {
  const log = await git(root, ['reflog', 'show', '--format=%H %gs', `refs/heads/${branch}`, '--']);
  if (log.code !== 0) return undefined;
  const oldest = log.stdout.trim().split('\n').at(-1) ?? '';
  const match = /^([0-9a-f]{40,64}) branch: Created from /.exec(oldest);
  return match?.[1];
}

async function firstParentChain(root: string, range: string): Promise<ChainCommit[]> {
  const out = await gitOk(root, ['log', '--first-parent', '--format=%H%x09%P%x09%ct%x09%s', range, '--']);
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [hash = '', parents = '', committed = '0', ...subject] = line.split('\t');
      return { hash, parents: parents.split(' ').filter((p) => p.length > 0), committedSec: Number(committed), subject: subject.join('\t') };
    });
}

function runMergeTask(commit: ChainCommit, startedAt: string, taskIds: readonly string[]): string | undefined {
  if (commit.parents.length !== 2) return undefined;
  // Commit times have one-second resolution; the run's start has milliseconds.
  if (commit.committedSec < Math.floor(Date.parse(startedAt) / 1000)) return undefined;
  const match = /^orch: merge (\S+) \(/.exec(commit.subject);
  return match?.[1] !== undefined && taskIds.includes(match[1]) ? match[1] : undefined;
}
