// A person's reassignment reaches the run's one writer through a file, as answers do: the
// dashboard, the editor or the API drops it in the run's folder, and the Orch running the run
// records it before the task's next attempt. With no Orch running, it waits for `orch resume`.

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DroppedReassignment {
  readonly defectId: string;
  readonly agent: string;
  readonly model?: string;
  readonly by: string;
}

function reassignDir(runDir: string): string {
  return join(runDir, 'reassign');
}

export async function dropReassignment(runDir: string, request: DroppedReassignment): Promise<string> {
  const dir = reassignDir(runDir);
  await mkdir(dir, { recursive: true });
  const name = `${Date.now()}-${randomBytes(4).toString('hex')}.json`;
  // Written aside and renamed: the engine never reads half a file.
  await writeFile(join(dir, `.${name}.tmp`), JSON.stringify(request), { mode: 0o600 });
  await rename(join(dir, `.${name}.tmp`), join(dir, name));
  return join(dir, name);
}

/**
 * Takes the waiting requests, oldest first, each claimed by renaming it: tasks run side by side
 * and each looks before its attempt, so a request must be recorded by exactly one of them.
 */
export async function claimReassignments(runDir: string): Promise<{ file: string; request?: DroppedReassignment; bad?: string }[]> {
  const dir = reassignDir(runDir);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: { file: string; request?: DroppedReassignment; bad?: string }[] = [];
  for (const name of names) {
    const file = join(dir, `.${name}.claimed`);
    try {
      await rename(join(dir, name), file);
    } catch {
      continue;
    }
    try {
      const value = JSON.parse(await readFile(file, 'utf8')) as Partial<DroppedReassignment>;
      if (typeof value.defectId !== 'string' || typeof value.agent !== 'string' || typeof value.by !== 'string' || (value.model !== undefined && typeof value.model !== 'string')) {
        throw new Error('needs {defectId, agent, by} strings and an optional model');
      }
      out.push({ file, request: { defectId: value.defectId, agent: value.agent, by: value.by, ...(value.model === undefined ? {} : { model: value.model }) } });
    } catch (error) {
      out.push({ file, bad: `${join(dir, name)}: ${(error as Error).message}` });
    }
  }
  return out;
}

export async function removeClaimed(file: string): Promise<void> {
  await rm(file, { force: true });
}
