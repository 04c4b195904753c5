import type { FileLineCount } from '../../protocol/events';
import type { GitResult } from './git';
import type { MergedCommits } from './merge-without-checkout';

/** `git diff --numstat -z`: "added\tremoved\tpath\0", or for a rename "added\tremoved\t\0from\0to\0"; "-" counts a binary file. */
export function parseNumstat(out: string): FileLineCount[] {
  const fields = out.split('\0');
  const counts: FileLineCount[] = [];
  for (let i = 0; i < fields.length; i += 1) {
    const [added, removed, path] = (fields[i] ?? '').split('\t');
    if (added === undefined || removed === undefined || path === undefined) continue;
    const file = path === '' ? fields[(i += 2)] : path;
    if (file === undefined || file === '') continue;
    counts.push({ file, added: added === '-' ? null : Number(added), removed: removed === '-' ? null : Number(removed) });
  }
  return counts;
}

/**
 * The line counts of `branch`'s change as merged into `integrationBranch`, asked of git: from
 * the merge's base when this Orch merged the branch's tip, else from the first parent of the
 * merge that took it in. Undefined when git cannot tell.
 */
export async function linesOfMergedBranch(git: (args: readonly string[]) => Promise<GitResult>, integrationBranch: string, branch: string, merged: MergedCommits | undefined): Promise<readonly FileLineCount[] | undefined> {
  const numstat = async (range: string) => {
    const diff = await git(['diff', '--numstat', '-z', range]);
    return diff.code === 0 ? parseNumstat(diff.stdout) : undefined;
  };
  const tip = await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
  if (tip.code !== 0) return undefined;
  const head = tip.stdout.trim();
  if (merged?.head === head) return numstat(`${merged.base}...${head}`);
  // Other tasks may have merged since: the base is the first parent of the merge that took this
  // tip, not the integration branch as it is now.
  const merges = await git(['rev-list', '--merges', '--first-parent', '--parents', integrationBranch]);
  const merge = merges.stdout.split('\n').map((line) => line.split(' ')).find((commits) => commits[2] === head);
  return numstat(`${merge?.[1] ?? integrationBranch}...${head}`);
}
