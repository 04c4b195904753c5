import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors';
import { acquireRunLock } from '../engine/run-lock';
import { readEventLog } from '../events/read-event-log';
import { OrchStore, type OrchData } from '../store/orch-store';
import { workspacePaths } from '../workspace/workspace-paths';
import { BUNDLE_PATH, SESSIONS_PREFIX, WORKSPACE_PREFIX, type BackupManifest } from './backup-manifest';
import { placeSessions } from './claude-sessions';
import { extractArchive } from './extract-archive';
import { applyGit, dropStaged, stageGit } from './restore-git';

export interface RestoreResult {
  readonly into: string;
  readonly manifest: BackupManifest;
  readonly files: number;
  readonly branches: number;
  /** Claude sessions put where a resumed attempt in the restored workspace finds them. */
  readonly sessions: number;
  /** Files and branches that held other (newer) state and were replaced, with --force. */
  readonly replaced: readonly string[];
  /** The workspace's own audit log and token list, which a restore never replaces. */
  readonly kept: readonly string[];
}

const STORE = '.orch/orch.json';
/**
 * Never rolled back, even with --force: an older audit log would cut entries out of its hash
 * chain, and an older token list would bring back tokens revoked since. A workspace without them
 * gets the backup's.
 */
const KEPT_IF_PRESENT = new Set(['.orch/audit.jsonl', '.orch/tokens.json']);

/**
 * Restores a backup into the workspace `into` (made if missing), under its run lock. State the
 * workspace has and the backup does not (a log with events past the backup's, a branch with
 * commits the backup lacks, a file that differs) is newer: without `force` the restore refuses,
 * naming it, and changes nothing. The run index is merged, never replaced.
 */
export async function restoreBackup(archive: string, into: string, options: { force?: boolean; claudeConfigDir?: string } = {}): Promise<RestoreResult> {
  const force = options.force === true;
  await mkdir(into, { recursive: true });
  const paths = workspacePaths(into);
  const release = await acquireRunLock(paths.lockFile, { command: 'orch restore', runId: '-' });
  const staging = join(into, `.orch-restore-${process.pid}`);
  try {
    await rm(staging, { recursive: true, force: true });
    const extracted = await extractArchive(archive, staging);
    const kept = extracted.files.filter((f) => KEPT_IF_PRESENT.has(f) && existsSync(join(into, f)));
    const files = extracted.files.filter((f) => !kept.includes(f));
    const newer = await newerFiles(into, staging, files);
    if (newer.length > 0 && !force) throw refusal(newer, into);
    const gitPlan = extracted.bundle ? await stageGit(into, join(staging, BUNDLE_PATH), extracted.manifest) : { updates: [], newer: [] };
    newer.push(...gitPlan.newer.map((b) => `branch ${b} has commits the backup lacks`));
    if (newer.length > 0 && !force) {
      await dropStaged(into);
      throw refusal(newer, into);
    }
    await applyGit(into, gitPlan);
    // The logs go last: a restore cut short leaves a log only when what it refers to is in place.
    const ordered = [...files.filter((f) => !isLog(f) && f !== STORE), ...files.filter(isLog)];
    for (const file of ordered) {
      await mkdir(dirname(join(into, file)), { recursive: true });
      await rename(join(staging, WORKSPACE_PREFIX, file), join(into, file));
    }
    if (extracted.files.includes(STORE)) await mergeStore(join(staging, WORKSPACE_PREFIX, STORE), paths.storeFile);
    const sessions = extracted.manifest.sessions.map((s) => ({ ...s, file: join(staging, `${SESSIONS_PREFIX}${s.sessionId}.jsonl`) }));
    const placed = options.claudeConfigDir === undefined ? 0 : await placeSessions(into, options.claudeConfigDir, sessions);
    return { into, manifest: extracted.manifest, files: files.length, branches: gitPlan.updates.length, sessions: placed, replaced: force ? newer : [], kept };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await release();
  }
}

function refusal(newer: readonly string[], into: string): InputError {
  return new InputError(
    `the workspace has newer state than the backup: ${newer.slice(0, 5).join('; ')}${newer.length > 5 ? `; and ${newer.length - 5} more` : ''}`,
    { file: into },
    'nothing was changed; restore into another folder with --into, or replace it with --force',
  );
}

function isLog(file: string): boolean {
  return /^\.orch\/runs\/[^/]+\/events\.jsonl$/.test(file);
}

/** A log is newer when it is not a prefix of the backup's; any other file, when it differs. */
async function newerFiles(into: string, staging: string, files: readonly string[]): Promise<string[]> {
  const newer: string[] = [];
  for (const file of files) {
    const target = join(into, file);
    if (file === STORE || !existsSync(target)) continue;
    const [mine, theirs] = await Promise.all([readFile(target), readFile(join(staging, WORKSPACE_PREFIX, file))]);
    if (mine.equals(theirs)) continue;
    if (isLog(file)) {
      if (theirs.subarray(0, mine.length).equals(mine)) continue;
      const events = (await readEventLog(target).catch(() => ({ events: [] }))).events.length;
      newer.push(`${file} has ${events} event(s), not the backup's first ones`);
    } else {
      newer.push(`${file} differs`);
    }
  }
  return newer;
}

/** The workspace's index keeps its own runs and learning; the backup's are added to it. */
async function mergeStore(backupFile: string, storeFile: string): Promise<void> {
  const backup = JSON.parse(await readFile(backupFile, 'utf8')) as OrchData;
  if (!existsSync(storeFile)) {
    await rename(backupFile, storeFile);
    return;
  }
  const store = await OrchStore.open(storeFile);
  for (const run of backup.runs) {
    const current = store.runs.find((r) => r.runId === run.runId);
    if (current === undefined || current.updatedAt < run.updatedAt) await store.upsertRun(run);
  }
  await store.upsertRouting(backup.routing ?? []);
}
