import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A lock older than this belongs to a process that died holding it: no holder keeps it this long. */
const STALE_MS = 10_000;
const GIVE_UP_MS = 15_000;

/**
 * Runs `act` while holding `file` (created with O_EXCL). The audit log and the token file are
 * written by several processes (the CLI, the dashboard server, the editor); reading the last hash
 * and appending after it must be one step, or two writers would chain onto the same entry.
 */
export async function withFileLock<T>(file: string, act: () => Promise<T>): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  const deadline = Date.now() + GIVE_UP_MS;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(file)) await rm(file, { force: true });
      else if (Date.now() > deadline) throw new Error(`could not take the lock ${file} within ${GIVE_UP_MS / 1000} s; remove it if no Orch process is running`, { cause: error });
      else await sleep(wait);
    }
  }
  try {
    return await act();
  } finally {
    await rm(file, { force: true });
  }
}

async function isStale(file: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}
