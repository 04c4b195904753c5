import { git, gitOk } from '../engine/git';
import type { BackupManifest } from './backup-manifest';

const STAGED = 'refs/orch-restore/';

export interface GitPlan {
  /** Branches the restore creates or moves forward. */
  readonly updates: readonly { readonly branch: string; readonly commit: string }[];
  /** Branches of the target that have commits the backup lacks: newer state. */
  readonly newer: readonly string[];
  /** A new repository is made, checked out on this branch. */
  readonly init?: string;
}

/**
 * Brings the bundle's objects into `root` (a repository is made when there is none) under a
 * staging namespace, and works out what restoring its branches would change. Task branches get
 * their work-in-progress commit, so a resumed task starts from what its worktree held.
 */
export async function stageGit(root: string, bundle: string, manifest: BackupManifest): Promise<GitPlan> {
  const info = manifest.git;
  if (info === undefined) return { updates: [], newer: [] };
  const isRepo = (await git(root, ['rev-parse', '--show-toplevel'])).code === 0;
  let init: string | undefined;
  if (!isRepo) {
    init = info.head ?? 'main';
    await gitOk(root, ['init', '-q', '-b', init]);
  }
  await gitOk(root, ['fetch', '-q', '--no-tags', bundle, `+refs/*:${STAGED}*`]);
  const wip = new Map(info.wip.map((w) => [w.branch, w.commit]));
  const updates: { branch: string; commit: string }[] = [];
  const newer: string[] = [];
  for (const ref of info.refs) {
    if (!ref.startsWith('refs/heads/')) continue;
    const branch = ref.slice('refs/heads/'.length);
    // The checked-out branch of the source goes only into a new repository: an existing one keeps its own.
    if (isRepo && branch === info.head && !branch.startsWith('orch/')) continue;
    const commit = wip.get(branch) ?? (await gitOk(root, ['rev-parse', `${STAGED}heads/${branch}`])).trim();
    const current = await git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
    if (current.code === 0) {
      const tip = current.stdout.trim();
      if (tip === commit) continue;
      if ((await git(root, ['merge-base', '--is-ancestor', tip, commit])).code !== 0) newer.push(branch);
    }
    updates.push({ branch, commit });
  }
  return { updates, newer, ...(init === undefined ? {} : { init }) };
}

/** Moves the branches, then checks out a new repository's branch; the staged refs go. */
export async function applyGit(root: string, plan: GitPlan): Promise<void> {
  for (const u of plan.updates) await gitOk(root, ['update-ref', `refs/heads/${u.branch}`, u.commit]);
  if (plan.init !== undefined && plan.updates.some((u) => u.branch === plan.init)) await gitOk(root, ['reset', '-q', '--hard', 'HEAD']);
  await dropStaged(root);
}

export async function dropStaged(root: string): Promise<void> {
  const refs = await git(root, ['for-each-ref', '--format=%(refname)', STAGED]);
  for (const ref of refs.stdout.split('\n').filter((r) => r !== '')) await git(root, ['update-ref', '-d', ref]);
}
