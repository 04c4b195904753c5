import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkspacePaths } from '../orchestrator/workspace/workspace-paths';

/**
 * The run the views follow: the newest folder under `.orch/runs/` that has an event log. The log
 * is the source of truth (orch.json may lag or be missing), and run ids start with their UTC
 * start time, so the greatest name is the newest run.
 */
export async function latestRunId(paths: WorkspacePaths): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(join(paths.orchDir, 'runs'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  for (const name of names.sort().reverse()) {
    try {
      if ((await stat(paths.eventsFile(name))).isFile()) return name;
    } catch {
      // A run folder without a log yet: its writer is still creating it.
    }
  }
  return undefined;
}
