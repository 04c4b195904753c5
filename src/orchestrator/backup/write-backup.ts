import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { foldEvents } from '../../protocol/fold';
import type { Roadmap, RunState } from '../../protocol/domain';
import type { OrchEvent } from '../../protocol/events';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { readEventLog } from '../events/read-event-log';
import { pausePoint } from '../engine/test-pause';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { BACKUP_FORMAT, BACKUP_VERSION, BUNDLE_PATH, MANIFEST_PATH, SESSIONS_PREFIX, SUMS_PATH, WORKSPACE_PREFIX, type BackupManifest, type BackupRun } from './backup-manifest';
import { resumableSessions } from './claude-sessions';
import { bundleGitState } from './git-state';
import { tarEnd, tarEntry } from './tar-format';

// Under .orch, what a backup leaves out: git worktrees (their work is in the git bundle), the
// dependency cache, backups themselves, and files that describe a live process, not state.
const SKIPPED = new Set(['worktrees', 'cache', 'backups', 'lock.json', 'dashboard.json']);

export interface BackupResult {
  readonly file: string;
  readonly manifest: BackupManifest;
  readonly files: number;
  readonly bytes: number;
}

/** `.orch/backups/orch-backup-<time>.tar.gz`, ignored by git through a `.gitignore` of its own. */
export async function defaultBackupFile(paths: WorkspacePaths, now: Date): Promise<string> {
  const dir = join(paths.orchDir, 'backups');
  await mkdir(dir, { recursive: true });
  if (!existsSync(join(dir, '.gitignore'))) await writeFile(join(dir, '.gitignore'), '*\n');
  return join(dir, `orch-backup-${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}.tar.gz`);
}

/**
 * Writes a consistent archive of the workspace's Orch state while runs may be live. Each run's
 * log is read first and copied up to its last complete event (the sequence number is in the
 * manifest); everything else (git, evidence, the index) is taken after, so it is at least as new
 * as the logs: what a restore resumes from is what a crash at that moment would have left. The
 * archive is written under a temporary name, fsynced, then renamed: a kill at any point leaves
 * no file under the final name.
 */
export async function writeBackup(paths: WorkspacePaths, out: string, options: { now?: Date; claudeConfigDir?: string } = {}): Promise<BackupResult> {
  const now = options.now ?? new Date();
  const runs = await snapshotLogs(paths);
  const snapshots = runs.flatMap((r) => (r.snapshot === undefined ? [] : [r.snapshot]));
  const sessions = options.claudeConfigDir === undefined ? [] : resumableSessions(paths, options.claudeConfigDir, snapshots);
  await mkdir(dirname(out), { recursive: true });
  const partial = join(dirname(out), `.${basename(out)}.${process.pid}.partial`);
  const bundle = `${partial}.bundle`;
  try {
    const gitState = await bundleGitState(paths, bundle);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: now.toISOString(),
      source: paths.root,
      runs: runs.map((r) => r.run),
      sessions: sessions.map(({ sessionId, cwd }) => ({ sessionId, cwd })),
      ...(gitState === undefined ? {} : { git: { ...(gitState.head === undefined ? {} : { head: gitState.head }), refs: [...gitState.refs], wip: [...gitState.wip] } }),
    };
    const files = await workspaceFiles(paths, runs);
    const sums: Record<string, string> = {};
    let count = 0;
    async function* entries(): AsyncGenerator<Buffer> {
      const entry = (path: string, data: Buffer, mode?: number) => {
        sums[path] = createHash('sha256').update(data).digest('hex');
        count += 1;
        return tarEntry({ path, data, mode, mtime: now });
      };
      yield* entry(MANIFEST_PATH, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
      for (const r of runs) yield* entry(`${WORKSPACE_PREFIX}${r.path}`, r.data);
      if (gitState !== undefined && gitState.refs.length > 0) yield* entry(BUNDLE_PATH, await readFile(bundle));
      for (const session of sessions) yield* entry(`${SESSIONS_PREFIX}${session.sessionId}.jsonl`, await readFile(session.file));
      for (const file of files) {
        // A file removed since the listing (an evidence file rotated away) is simply not in the backup.
        const data = await readFile(join(paths.root, file.path)).catch(() => undefined);
        if (data !== undefined) yield* entry(`${WORKSPACE_PREFIX}${toPosix(file.path)}`, data, file.mode);
      }
      await pausePoint('backup-before-end', dirname(out));
      yield* tarEntry({ path: SUMS_PATH, data: Buffer.from(`${JSON.stringify(sums, null, 2)}\n`), mtime: now });
      yield tarEnd();
    }
    await pipeline(Readable.from(entries()), createGzip(), createWriteStream(partial, { mode: 0o600 }));
    const handle = await open(partial, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, out);
    await syncDir(dirname(out));
    return { file: out, manifest, files: count, bytes: (await lstat(out)).size };
  } finally {
    await rm(partial, { force: true });
    await rm(bundle, { force: true });
  }
}

interface LogCopy {
  readonly run: BackupRun;
  readonly snapshot: RunSnapshot | undefined;
  readonly plan: { readonly roadmapFile?: string; readonly roadmap?: Roadmap };
  readonly path: string;
  readonly data: Buffer;
}

async function snapshotLogs(paths: WorkspacePaths): Promise<LogCopy[]> {
  const runsDir = join(paths.orchDir, 'runs');
  const ids = (await readdir(runsDir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const copies: LogCopy[] = [];
  for (const runId of ids) {
    const file = paths.eventsFile(runId);
    if (!existsSync(file)) continue;
    const raw = await readFile(file);
    // A writer mid-append leaves a partial last line: the copy ends at the last whole event.
    const { events, validBytes } = await readEventLog(file);
    const data = raw.subarray(0, Math.min(validBytes, nthLineEnd(raw, events.length)));
    const state = runState(events);
    // Only a run that can be resumed needs its tasks folded (for the sessions they would continue).
    const snapshot = state === 'completed' ? undefined : foldEvents(events);
    copies.push({ run: { runId, lastSeq: events.length, state }, snapshot, plan: planOf(events), path: toPosix(relative(paths.root, file)), data });
  }
  return copies;
}

/** The run's state as its last state event left it: what the fold would say, without folding. */
function runState(events: readonly OrchEvent[]): RunState {
  let state: RunState = 'running';
  for (const e of events) {
    if (e.type === 'run.started' || e.type === 'run.resumed') state = 'running';
    else if (e.type === 'run.paused') state = 'paused';
    else if (e.type === 'run.finished') state = e.state;
  }
  return state;
}

function planOf(events: readonly OrchEvent[]): LogCopy['plan'] {
  const started = events.find((e) => e.type === 'run.started');
  const loaded = events.findLast((e) => e.type === 'plan.loaded');
  return { ...(started === undefined ? {} : { roadmapFile: started.roadmapFile }), ...(loaded === undefined ? {} : { roadmap: loaded.roadmap }) };
}

// The log may have grown between the two reads: only the first `lines` lines are the copy.
function nthLineEnd(raw: Buffer, lines: number): number {
  let end = 0;
  for (let i = 0; i < lines; i++) {
    const nl = raw.indexOf(0x0a, end);
    if (nl < 0) return raw.length;
    end = nl + 1;
  }
  return end;
}

interface FileRef {
  readonly path: string;
  readonly mode: number;
}

/** Everything under .orch but what SKIPPED names and the logs, plus the runs' roadmaps and PRDs kept outside it. */
async function workspaceFiles(paths: WorkspacePaths, runs: readonly LogCopy[]): Promise<FileRef[]> {
  const found: FileRef[] = [];
  const logs = new Set(runs.map((r) => r.path));
  const walk = async (dir: string, top: boolean): Promise<void> => {
    for (const d of (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) => a.name.localeCompare(b.name))) {
      if (top && SKIPPED.has(d.name)) continue;
      const full = join(dir, d.name);
      if (d.isDirectory()) await walk(full, false);
      else if (d.isFile() && !d.name.endsWith('.partial')) {
        const path = relative(paths.root, full);
        if (!logs.has(toPosix(path))) found.push({ path, mode: (await lstat(full)).mode & 0o777 });
      }
    }
  };
  await walk(paths.orchDir, true);
  for (const file of await planFiles(paths, runs)) {
    if (!found.some((f) => f.path === file)) found.push({ path: file, mode: (await lstat(join(paths.root, file))).mode & 0o777 });
  }
  return found;
}

/** The roadmap and PRD files the runs' plans came from, when they are files in the workspace. */
async function planFiles(paths: WorkspacePaths, runs: readonly LogCopy[]): Promise<string[]> {
  const files = new Set<string>();
  for (const r of runs) {
    const roadmap = r.plan.roadmap;
    const candidates = [r.plan.roadmapFile ?? '', ...(roadmap?.phases.flatMap((p) => p.milestones.flatMap((m) => m.prds.map((prd) => prd.source.file))) ?? [])];
    for (const file of candidates) {
      if (file === '' || !isAbsolute(file)) continue;
      const rel = relative(paths.root, file);
      if (rel.startsWith('..') || isAbsolute(rel) || rel.startsWith(`.orch${sep}`)) continue;
      if (existsSync(file) && (await lstat(file)).isFile()) files.add(rel);
    }
  }
  return [...files].sort();
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
