import { z } from 'zod';

// What a backup archive says about itself (`orch-backup/manifest.json`, its first entry), and
// the checksums of everything in it (`orch-backup/sums.json`, its last): a restore checks both
// before it writes anything.

export const BACKUP_FORMAT = 'orch-backup';
export const BACKUP_VERSION = 1;
export const MANIFEST_PATH = 'orch-backup/manifest.json';
export const SUMS_PATH = 'orch-backup/sums.json';
export const BUNDLE_PATH = 'orch-backup/git.bundle';
/** Workspace files sit under this prefix, at their path relative to the workspace root. */
export const WORKSPACE_PREFIX = 'workspace/';
/** Where the uncommitted work of a live task worktree is kept in the bundle, by branch. */
export const WIP_REF_PREFIX = 'refs/orch-backup/wip/';
/** Claude sessions that unfinished tasks would resume, as `<prefix><sessionId>.jsonl`. */
export const SESSIONS_PREFIX = 'orch-backup/claude/';

const backupRun = z.object({
  runId: z.string().min(1),
  /** The log is copied up to this event: what a restore folds. */
  lastSeq: z.number().int().nonnegative(),
  /** The run's state at `lastSeq`. */
  state: z.string(),
});

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  createdAt: z.string(),
  /** The workspace the backup was taken from. */
  source: z.string(),
  runs: z.array(backupRun),
  /** Claude sessions kept for unfinished tasks, with the working directory (relative to the workspace) they belong to. */
  sessions: z.array(z.object({ sessionId: z.string().regex(/^[A-Za-z0-9-]+$/), cwd: z.string() })).default([]),
  git: z
    .object({
      /** The branch checked out in the workspace, restored as the checkout of a new repository. */
      head: z.string().optional(),
      /** Every ref in the bundle. */
      refs: z.array(z.string()),
      /** Task branches whose live worktree had uncommitted work, kept as a commit on top of the branch. */
      wip: z.array(z.object({ branch: z.string(), commit: z.string() })),
    })
    .optional(),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type BackupRun = z.infer<typeof backupRun>;

export const sumsSchema = z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/));
