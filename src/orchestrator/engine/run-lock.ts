import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ignoreRuntimeFiles } from '../workspace/runtime-ignore';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly runId: string;
  readonly since: string;
  /**
   * When the holder's process started, as the OS reports it: a pid alone is reused after a
   * kill -9, and signalling the new owner of that pid would hit a stranger. Absent in older locks.
   */
  readonly startTime?: string;
}

/** Whether a lock's holder still runs: `other` means its pid now belongs to another process. */
export type HolderState = 'live' | 'gone' | 'other';

export class LockedError extends Error {
  override readonly name = 'LockedError';
  constructor(readonly holder: LockHolder, file: string) {
    super(
      `another Orch process is writing this workspace: pid ${holder.pid} on ${holder.host} (${holder.command}, run ${holder.runId}, since ${holder.since}); ` +
        `wait for it, or cancel it with 'orch cancel'. Lock file: ${file}`,
    );
  }
}

/**
 * One writer per workspace. The lock is a file created with O_EXCL that names its holder; a
 * lock whose process is gone (a crash, kill -9) is taken over, since nobody can release it.
 */
export async function acquireRunLock(file: string, holder: Omit<LockHolder, 'pid' | 'host' | 'since' | 'startTime'>): Promise<() => Promise<void>> {
  await mkdir(dirname(file), { recursive: true });
  await ignoreRuntimeFiles(dirname(file));
  const startTime = processStartTime(process.pid);
  const mine: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(startTime === undefined ? {} : { startTime }), ...holder };
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(JSON.stringify(mine));
      await handle.sync();
      await handle.close();
      return async () => {
        const current = await readLock(file);
        if (current?.pid === mine.pid && current.host === mine.host) await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = await readLock(file);
      if (current !== undefined && holderState(current) === 'live') throw new LockedError(current, file);
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not take the workspace lock ${file}: it keeps being recreated`);
}

export async function readLock(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

// What an older lock's holder (no start time recorded) runs if it is Orch: the CLI, built or
// from source, or the editor's extension host.
const ORCH_ENTRIES = ['dist/cli.js', 'src/cli/main.ts', 'extensionHost'];

export function holderState(holder: LockHolder): HolderState {
  // A lock from another machine (shared folder) cannot be checked: treat it as held.
  if (holder.host !== hostname()) return 'live';
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  if (holder.startTime !== undefined) {
    const now = processStartTime(holder.pid);
    // Unknown start time (no /proc, no ps): the pid check is all there is.
    return now === undefined || now === holder.startTime ? 'live' : 'other';
  }
  const cmdline = readCmdline(holder.pid);
  return cmdline === undefined || ORCH_ENTRIES.some((entry) => cmdline.includes(entry)) ? 'live' : 'other';
}

/** The process's start time: field 22 of /proc/<pid>/stat on Linux, else `ps -o lstart=`. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    const field = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    if (field !== undefined && /^\d+$/.test(field)) return `proc:${field}`;
  } catch {
    // No /proc (macOS): ask ps below.
  }
  try {
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return started === '' ? undefined : `ps:${started}`;
  } catch {
    return undefined;
  }
}

function readCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** The live process of this machine running `runId` now, if any (a lock left by a crash is not one). */
export async function liveHolder(file: string, runId: string): Promise<LockHolder | undefined> {
  const holder = await readLock(file);
  return holder?.runId === runId && holder.host === hostname() && holderState(holder) === 'live' ? holder : undefined;
}
