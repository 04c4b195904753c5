// A request from another process (an answer, a reassignment) reaches a run's one writer as a
// file dropped in a folder of the run: written aside and renamed, so a reader never sees half of
// one, and named by time, so they are taken oldest first. With no Orch running, the files wait
// for `orch resume`.

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Two requests dropped by one process within the same millisecond must still sort in the order
// they were dropped (a random suffix alone put them in either order: a flaky CI run showed it).
let dropped = 0;

export async function dropRequest(dir: string, request: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  dropped = (dropped + 1) % 1e9;
  const name = `${Date.now()}-${String(dropped).padStart(9, '0')}-${randomBytes(4).toString('hex')}.json`;
  await writeFile(join(dir, `.${name}.tmp`), JSON.stringify(request), { mode: 0o600 });
  await rename(join(dir, `.${name}.tmp`), join(dir, name));
  return join(dir, name);
}

/** The names of the requests waiting in `dir`, oldest first (none when it does not exist). */
export async function waitingRequests(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
