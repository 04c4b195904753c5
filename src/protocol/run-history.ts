// One point per run of a roadmap: what the learning-curve graph plots. Computed from each run's
// folded snapshot, so the dashboard, the API and any later report read the same numbers.

import type { RunState } from './domain';
import type { RunSnapshot } from './run-snapshot';

export interface RunHistoryPoint {
  readonly runId: string;
  readonly state: RunState;
  readonly startedAt: string;
  /** Absent while the run goes on (its wall time then counts to its last event). */
  readonly finishedAt?: string;
  readonly wallMs: number;
  readonly costUsd: number;
  readonly tasks: number;
  readonly verified: number;
  /** Times verification or a merge sent work back, over all tasks. */
  readonly defects: number;
  /** Null when no task was verified: a cost per nothing is not a number to plot. */
  readonly costPerVerifiedUsd: number | null;
  readonly defectsPerTask: number | null;
}

/** `GET /api/v1/history?roadmap=FILE`: the runs of one roadmap, oldest first. */
export interface RunHistory {
  readonly roadmapFile: string;
  readonly runs: readonly RunHistoryPoint[];
}

export function historyPoint(run: RunSnapshot): RunHistoryPoint {
  const tasks = Object.values(run.tasks);
  const verified = tasks.filter((t) => t.state === 'verified').length;
  const defects = tasks.reduce((sum, t) => sum + t.defects, 0);
  const end = run.finishedAt ?? run.updatedAt;
  return {
    runId: run.runId,
    state: run.state,
    startedAt: run.startedAt,
    ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
    wallMs: Math.max(0, Date.parse(end) - Date.parse(run.startedAt)),
    costUsd: run.costUsd,
    tasks: tasks.length,
    verified,
    defects,
    costPerVerifiedUsd: verified === 0 ? null : run.costUsd / verified,
    defectsPerTask: tasks.length === 0 ? null : defects / tasks.length,
  };
}
