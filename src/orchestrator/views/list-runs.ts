import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_ID_PATTERN, type RunSummary } from '../../protocol/dashboard-messages';
import { foldEvents } from '../../protocol/fold';
import { readEventLog } from '../events/read-event-log';
import { OrchStore } from '../store/orch-store';
import type { WorkspacePaths } from '../workspace/workspace-paths';

/**
 * The workspace's runs, newest first: every folder under `.orch/runs/` whose event log holds a
 * run, with what the run index says about it. A run the index lost (a store restored from an
 * older backup) is read from its log; a log with no run in it (a start cut short before its
 * first event) is no run.
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
    const entry = index.get(runId);
    if (entry !== undefined) {
      if (await exists(paths.eventsFile(runId))) runs.push({ runId, state: entry.state, roadmapFile: entry.roadmapFile, startedAt: entry.startedAt, updatedAt: entry.updatedAt });
      continue;
    }
    const run = await readEventLog(paths.eventsFile(runId)).then(({ events }) => foldEvents(events), () => undefined);
    if (run !== undefined) runs.push({ runId, state: run.state, roadmapFile: run.roadmapFile, startedAt: run.startedAt, updatedAt: run.updatedAt });
  }
  return runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
