// A finished consult's cost lands on the asking task and the run, as an attempt's does.

import type { ConsultEvent } from './events-consult';
import type { RunSnapshot } from './run-snapshot';

export function foldConsult(s: RunSnapshot, e: ConsultEvent): RunSnapshot {
  if (e.type !== 'consult.finished' || e.costUsd <= 0) return s;
  const task = s.tasks[e.taskId];
  const withRun = { ...s, costUsd: s.costUsd + e.costUsd };
  if (task === undefined) return withRun;
  return { ...withRun, tasks: { ...s.tasks, [e.taskId]: { ...task, costUsd: task.costUsd + e.costUsd } } };
}
