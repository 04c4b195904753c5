import { hostname } from 'node:os';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly runId: string;
  readonly since: string;
}

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
export async function acquireRunLock(file: string, holder: Omit<LockHolder, 'pid' | 'host' | 'since'>): Promise<() => Promise<void>> {
  await mkdir(dirname(file), { recursive: true });
  const mine: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...holder };
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
      if (current !== undefined && isAlive(current)) throw new LockedError(current, file);
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

function isAlive(holder: LockHolder): boolean {
  // A lock from another machine (shared folder) cannot be checked: treat it as held.
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process of this machine running `runId` now, if any (a lock left by a crash is not one). */
export async function liveHolder(file: string, runId: string): Promise<LockHolder | undefined> {
  const holder = await readLock(file);
  return holder !== undefined && holder.runId === runId && holder.host === hostname() && isAlive(holder) ? holder : undefined;
}
