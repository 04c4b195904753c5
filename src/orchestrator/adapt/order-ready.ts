// Ready work ordered by predicted duration on the critical path: a task that a long chain of
// slow work waits on starts first, since the run cannot end before that chain does. The plain
// order (the scheduler's: phase, then how many tasks wait on it) counts every task as one unit;
// this one weighs each by its predicted duration.

import type { TaskSnapshot } from '../../protocol/run-snapshot';
import type { AdaptationBody } from '../../protocol/events-adapt';
import { criticalPathLengths } from '../engine/scheduler';

/** How much longer (a share) the chain moved ahead must be predicted to take than the one it passes. */
const MIN_GAIN = 0.1;

/** A task's predicted duration in ms, or undefined when nothing predicts it. */
export type DurationEstimator = (taskId: string) => number | undefined;

export interface Ordering {
  readonly ready: readonly TaskSnapshot[];
  /** Set when the order differs from the plain one: the decision, with its reason. */
  readonly adaptation?: AdaptationBody;
}

/**
 * For each task, the predicted duration of the longest chain of tasks that wait on it, itself
 * included. A task with no prediction counts as the median of those with one, so an unknown
 * task is neither rushed nor starved.
 */
export function predictedCriticalPaths(tasks: readonly TaskSnapshot[], estimate: DurationEstimator): Map<string, number> | undefined {
  const known = new Map<string, number>();
  for (const t of tasks) {
    const ms = estimate(t.id);
    if (ms !== undefined && Number.isFinite(ms) && ms >= 0) known.set(t.id, ms);
  }
  if (known.size === 0) return undefined;
  const sorted = [...known.values()].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const dependents = new Map<string, string[]>();
  for (const t of tasks) for (const d of t.depends) dependents.set(d, [...(dependents.get(d) ?? []), t.id]);
  const memo = new Map<string, number>();
  const visit = (id: string, seen: Set<string>): number => {
    const done = memo.get(id);
    if (done !== undefined) return done;
    if (seen.has(id)) return 0;
    seen.add(id);
    const length = (known.get(id) ?? median) + Math.max(0, ...(dependents.get(id) ?? []).map((n) => visit(n, seen)));
    seen.delete(id);
    memo.set(id, length);
    return length;
  };
  for (const t of tasks) visit(t.id, new Set());
  return memo;
}

/**
 * Reorders `plain` (the scheduler's ready list) by predicted critical path, within each phase
 * rank the plain order already grouped; ties keep the plain order. The plain order also stands
 * without any prediction, and when the task that would go first is predicted less than 10%
 * longer than the one it passes.
 */
export function orderByPredictedDuration(plain: readonly TaskSnapshot[], all: readonly TaskSnapshot[], estimate: DurationEstimator, phaseRank: (t: TaskSnapshot) => number): Ordering {
  if (plain.length < 2) return { ready: plain };
  const paths = predictedCriticalPaths(all, estimate);
  if (paths === undefined) return { ready: plain };
  const ready = [...plain].sort((a, b) => phaseRank(a) - phaseRank(b) || (paths.get(b.id) ?? 0) - (paths.get(a.id) ?? 0));
  if (ready.every((t, i) => t.id === plain[i]?.id)) return { ready };
  const first = ready.find((t, i) => t.id !== plain[i]?.id)!;
  const displaced = plain[ready.indexOf(first)]!;
  // A prediction a few percent apart is noise, not a reason to overrule the plain order.
  if ((paths.get(first.id) ?? 0) < (paths.get(displaced.id) ?? 0) * (1 + MIN_GAIN)) return { ready: plain };
  const counts = criticalPathLengths(all);
  const chain = (t: TaskSnapshot): string => `${counts.get(t.id) ?? 1} task(s), ${minutes(paths.get(t.id) ?? 0)}`;
  return {
    ready,
    adaptation: {
      kind: 'order',
      taskId: first.id,
      from: ids(plain),
      to: ids(ready),
      reason: `${first.id} goes before ${displaced.id}: its chain is predicted to take longer (${chain(first)} against ${chain(displaced)})`,
    },
  };
}

function ids(tasks: readonly TaskSnapshot[]): string {
  const shown = tasks.slice(0, 8).map((t) => t.id);
  return tasks.length > shown.length ? `${shown.join(', ')} and ${tasks.length - shown.length} more` : shown.join(', ');
}

function minutes(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}
