// A person's reassignment reaches the run's one writer through a file, as answers do: the
// dashboard, the editor or the API drops it in the run's folder, and the Orch running the run
// records it before the task's next attempt. With no Orch running, it waits for `orch resume`.

import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dropRequest, waitingRequests } from '../workspace/request-drop';

export interface DroppedReassignment {
  readonly defectId: string;
  readonly agent: string;
  readonly model?: string;
  readonly by: string;
}

function reassignDir(runDir: string): string {
  return join(runDir, 'reassign');
}

export function dropReassignment(runDir: string, request: DroppedReassignment): Promise<string> {
  return dropRequest(reassignDir(runDir), request);
}

/**
 * Takes the waiting requests, oldest first, each claimed by renaming it: tasks run side by side
 * and each looks before its attempt, so a request must be recorded by exactly one of them.
 */
export async function claimReassignments(runDir: string): Promise<{ file: string; request?: DroppedReassignment; bad?: string }[]> {
  const dir = reassignDir(runDir);
  const names = await waitingRequests(dir);
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
