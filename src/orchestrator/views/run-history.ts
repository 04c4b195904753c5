import { readEventLog } from '../events/read-event-log';
import { foldEvents } from '../../protocol/fold';
import { historyPoint, type RunHistory, type RunHistoryPoint } from '../../protocol/run-history';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { listRuns } from './list-runs';

/** The newest runs of a roadmap the curve shows: enough to see a trend, bounded so a busy workspace stays quick. */
const RUNS_KEPT = 50;

/**
 * The runs of one roadmap in this workspace, oldest first, each folded from its own event log.
 * A run the index lost counts too (listRuns reads its roadmap from its log); a log that cannot be
 * read is an error naming the file, since a silently shorter curve would mislead.
 */
export async function readRunHistory(paths: WorkspacePaths, roadmapFile: string): Promise<RunHistory> {
  const candidates = (await listRuns(paths)).filter((r) => r.roadmapFile === roadmapFile);
  const points: RunHistoryPoint[] = [];
  for (const summary of candidates) {
    if (points.length >= RUNS_KEPT) break;
    const run = foldEvents((await readEventLog(paths.eventsFile(summary.runId))).events);
    if (run === undefined) continue;
    points.push(historyPoint(run));
  }
  return { roadmapFile, runs: points.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId)) };
}
