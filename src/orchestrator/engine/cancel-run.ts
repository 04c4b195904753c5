import { existsSync } from 'node:fs';
import { RUN_ID_PATTERN } from '../../protocol/dashboard-messages';
import { foldEvents } from '../../protocol/fold';
import { InputError } from '../errors';
import { EventLog } from '../events/event-log';
import { OrchStore } from '../store/orch-store';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { killOrphans } from './orphans';
import { acquireRunLock, liveHolder } from './run-lock';

export type CancelOutcome =
  | { readonly kind: 'signalled'; readonly pid: number }
  | { readonly kind: 'cancelled'; readonly killed: readonly number[] }
  | { readonly kind: 'already-finished'; readonly state: string };

/**
 * Cancels a run. A live Orch process running it is asked to stop (it cancels its own agents
 * and writes the events, being the log's only writer); a run whose process is gone is
 * cancelled here, after stopping any agent it left behind.
 */
export async function cancelRun(paths: WorkspacePaths, runId: string): Promise<CancelOutcome> {
  // Only a live Orch is signalled: a dead one's pid may now be someone else's process.
  const holder = await liveHolder(paths.lockFile, runId);
  if (holder !== undefined) {
    try {
      process.kill(holder.pid, 'SIGTERM');
      return { kind: 'signalled', pid: holder.pid };
    } catch {
      // The holder is gone: fall through and cancel the stopped run ourselves.
    }
  }
  // Looked for before the lock and the log are opened: opening a log makes its file, and a
  // mistyped id must leave no empty run behind. A log with no run in it is refused below.
  const file = paths.eventsFile(runId);
  if (!RUN_ID_PATTERN.test(runId) || !existsSync(file)) throw new InputError(`no run ${runId} in this workspace`, { file });
  const release = await acquireRunLock(paths.lockFile, { command: 'orch cancel', runId });
  try {
    const log = await EventLog.open(paths.eventsFile(runId), runId);
    try {
      const state = foldEvents(log.events);
      if (state === undefined) throw new InputError(`no run ${runId} in this workspace`, { file: log.file });
      if (state.state === 'completed' || state.state === 'failed' || state.state === 'cancelled') return { kind: 'already-finished', state: state.state };
      const killed = await killOrphans(runId);
      for (const task of Object.values(state.tasks)) {
        if (task.state === 'pending' || task.state === 'running' || task.state === 'verifying') await log.append({ type: 'task.cancelled', taskId: task.id });
      }
      const finished = await log.append({ type: 'run.finished', state: 'cancelled' });
      const store = await OrchStore.open(paths.storeFile);
      await store.upsertRun({ runId, roadmapFile: state.roadmapFile, state: 'cancelled', startedAt: state.startedAt, updatedAt: finished.at });
      return { kind: 'cancelled', killed };
    } finally {
      await log.close();
    }
  } finally {
    await release();
  }
}
