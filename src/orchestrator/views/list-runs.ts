import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_ID_PATTERN, type RunSummary } from '../../protocol/dashboard-messages';
import { OrchStore } from '../store/orch-store';
import type { WorkspacePaths } from '../workspace/workspace-paths';

/**
 * The workspace's runs, newest first: every folder under `.orch/runs/` with an event log, with
 * what the run index says about it (a run the index lost still shows, as `unknown`).
 */
export async function listRuns(paths: WorkspacePaths): Promise<readonly RunSummary[]> {
  const runsDir = join(paths.orchDir, 'runs');
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const index = new Map((await OrchStore.open(paths.storeFile)).runs.map((r) => [r.runId, r]));
  const runs: RunSummary[] = [];
  for (const runId of names) {
    if (!RUN_ID_PATTERN.test(runId)) continue;
    let modified: Date;
    try {
      modified = (await stat(paths.eventsFile(runId))).mtime;
    } catch {
      continue;
    }
    const entry = index.get(runId);
    runs.push(
      entry === undefined
        ? { runId, state: 'unknown', roadmapFile: '', startedAt: modified.toISOString(), updatedAt: modified.toISOString() }
        : { runId, state: entry.state, roadmapFile: entry.roadmapFile, startedAt: entry.startedAt, updatedAt: entry.updatedAt },
    );
  }
  return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
}
