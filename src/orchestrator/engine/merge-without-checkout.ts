import type { GitResult } from './git';
import { pausePoint } from './test-pause';

export interface MergeResult {
  readonly merged: boolean;
  readonly conflicts: readonly string[];
  readonly detail: string;
}

/** What a clean merge joined: the branch's tip before it, and the task's tip it took in. */
export interface MergedCommits {
  readonly base: string;
  readonly head: string;
}

/** Both tips and the target's tree, when the caller knows them without asking git. */
export interface MergeTips extends MergedCommits {
  readonly baseTree: string;
}

/** The target's new tip after a clean merge, and its tree. */
export interface MergedTip {
  readonly commit: string;
  readonly tree: string;
}

type Git = (args: readonly string[]) => Promise<GitResult>;

// A branch moved by someone else between reading its tip and moving it: merged again from
// its new tip, a few times, before giving up.
const ATTEMPTS = 3;

/**
 * Merges `source` into `target` (both branch names) with no working tree: `merge-tree` writes
 * the merged tree, `commit-tree` the merge commit, and `update-ref` moves the branch only from
 * the tip the merge was computed on. A crash anywhere leaves the branch at its old tip or at
 * the finished merge, never in between; merging a source the target already holds is a no-op.
 */
export async function mergeWithoutCheckout(
  git: Git,
  gitCommonDir: string,
  target: string,
  source: string,
  message: string,
  known?: MergeTips,
): Promise<MergeResult & { readonly commits?: MergedCommits; readonly tip?: MergedTip }> {
  for (let attempt = 1; ; attempt++) {
    // Tips the caller read are tried first; a branch that moved meanwhile makes update-ref refuse, and the retry asks git.
    const { base, head, baseTree } = attempt === 1 && known !== undefined ? known : await readTips(git, target, source);
    const tree = await git(['merge-tree', '--write-tree', '-z', '--name-only', '--messages', base, head]);
    if (tree.code === 1) return { merged: false, ...conflictsOf(tree.stdout) };
    const treeId = tree.stdout.split('\0')[0] ?? '';
    if (tree.code !== 0 || !/^[0-9a-f]{40,64}$/.test(treeId)) throw new Error(`merging ${source} into ${target} failed: ${tree.stderr.trim() || `git merge-tree exited ${tree.code}`}`);
    // Only a merge that changes nothing can be one of a source already taken in (a resume after
    // the branch moved): asked then, not on every merge.
    if (treeId === baseTree && (await git(['merge-base', '--is-ancestor', head, base])).code === 0) {
      return { merged: true, conflicts: [], detail: `Already up to date: ${target} holds ${head}` };
    }
    const commit = await git(['commit-tree', treeId, '-p', base, '-p', head, '-m', message]);
    if (commit.code !== 0) throw new Error(`merging ${source} into ${target} failed: ${commit.stderr.trim()}`);
    const merge = commit.stdout.trim();
    await pausePoint('merge-before-update-ref', gitCommonDir, source);
    const moved = await git(['update-ref', '-m', message, `refs/heads/${target}`, merge, base]);
    if (moved.code === 0) {
      await pausePoint('merge-after-update-ref', gitCommonDir, source);
      return { merged: true, conflicts: [], detail: `merged as ${merge}`, commits: { base, head }, tip: { commit: merge, tree: treeId } };
    }
    if (attempt >= ATTEMPTS) throw new Error(`merging ${source} into ${target} failed: the branch kept moving (${moved.stderr.trim()})`);
  }
}

async function readTips(git: Git, target: string, source: string): Promise<MergeTips> {
  const tips = await git(['rev-parse', `refs/heads/${target}^{commit}`, `refs/heads/${source}^{commit}`, `refs/heads/${target}^{tree}`]);
  const [base, head, baseTree] = tips.stdout.trim().split('\n');
  if (tips.code !== 0 || base === undefined || head === undefined || baseTree === undefined) throw new Error(`merging ${source} into ${target} failed: ${tips.stderr.trim() || 'a branch is missing'}`);
  return { base, head, baseTree };
}

/**
 * `merge-tree -z --name-only` output: the tree, NUL; each conflicted path, NUL; an empty field;
 * then messages, each as `<count>\0<path>\0...<type>\0<message>\0`.
 */
function conflictsOf(out: string): { conflicts: readonly string[]; detail: string } {
  const fields = out.split('\0');
  const conflicts: string[] = [];
  let i = 1;
  for (; i < fields.length && fields[i] !== ''; i++) conflicts.push(fields[i] as string);
  const messages: string[] = [];
  for (i += 1; i < fields.length; ) {
    const count = Number(fields[i]);
    if (!Number.isInteger(count) || count < 1) break;
    const message = fields[i + count + 2];
    if (message !== undefined) messages.push(message.trim());
    i += count + 3;
  }
  return { conflicts, detail: messages.join('\n') };
}
