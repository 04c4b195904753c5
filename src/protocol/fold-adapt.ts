// The run's adaptation decisions, newest last, bounded: a long rate-limit storm must not grow
// the snapshot without end.

import type { RunAdapted } from './events-adapt';
import type { Adaptation, RunSnapshot } from './run-snapshot';

export const ADAPTATIONS_KEPT = 200;

export function foldAdapt(s: RunSnapshot, e: RunAdapted): RunSnapshot {
  const entry: Adaptation = {
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    reason: e.reason,
    ...(e.taskId === undefined ? {} : { taskId: e.taskId }),
    ...(e.from === undefined ? {} : { from: e.from }),
    ...(e.to === undefined ? {} : { to: e.to }),
  };
  const next = { ...s, adaptations: [...(s.adaptations ?? []), entry].slice(-ADAPTATIONS_KEPT) };
  // A teammate took the task: it is that agent's now, in every view and on resume.
  const task = e.taskId === undefined ? undefined : s.tasks[e.taskId];
  if (e.kind !== 'load-spread' || task === undefined || e.to === undefined) return next;
  return { ...next, tasks: { ...s.tasks, [task.id]: { ...task, agent: e.to } } };
}
