import type { RunSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';

export interface SchedulingDecision {
  /** Tasks that may start now, most urgent first. */
  readonly ready: readonly TaskSnapshot[];
  /** Tasks that can never start, with the reason (a dependency or an earlier phase did not verify). */
  readonly blocked: readonly { readonly task: TaskSnapshot; readonly reason: string }[];
}

const terminalFailure = new Set(['failed', 'blocked', 'cancelled']);

/**
 * Which pending tasks may start: their `depends` are verified and, inside their PRD, every task
 * of an earlier phase is verified (the phase gate). Pure, so it is tested without processes.
 */
export function schedule(run: RunSnapshot, phases: readonly string[]): SchedulingDecision {
  const tasks = run.taskOrder.map((id) => run.tasks[id]).filter((t): t is TaskSnapshot => t !== undefined);
  const phaseIndex = (t: TaskSnapshot) => {
    const i = phases.indexOf(t.phase ?? '');
    return i < 0 ? phases.length : i;
  };
  const byPrd = new Map<string, TaskSnapshot[]>();
  for (const t of tasks) byPrd.set(t.prdId, [...(byPrd.get(t.prdId) ?? []), t]);
  const downstream = criticalPathLengths(tasks);

  const ready: TaskSnapshot[] = [];
  const blocked: { task: TaskSnapshot; reason: string }[] = [];
  for (const task of tasks) {
    if (task.state !== 'pending') continue;
    const deadDependency = task.depends.map((d) => run.tasks[d]).find((d) => d !== undefined && terminalFailure.has(d.state));
    if (deadDependency !== undefined) {
      blocked.push({ task, reason: `dependency ${deadDependency.id} is ${deadDependency.state}` });
      continue;
    }
    const earlier = (byPrd.get(task.prdId) ?? []).filter((o) => phaseIndex(o) < phaseIndex(task));
    const deadGate = earlier.find((o) => terminalFailure.has(o.state));
    if (deadGate !== undefined) {
      blocked.push({ task, reason: `phase gate: ${deadGate.id} (${deadGate.phase}) is ${deadGate.state}` });
      continue;
    }
    const dependsMet = task.depends.every((d) => run.tasks[d]?.state === 'verified');
    const gateOpen = earlier.every((o) => o.state === 'verified');
    if (dependsMet && gateOpen) ready.push(task);
  }
  ready.sort((a, b) => phaseIndex(a) - phaseIndex(b) || (downstream.get(b.id) ?? 0) - (downstream.get(a.id) ?? 0));
  return { ready, blocked };
}

/** For each task, the length of the longest chain of tasks that wait on it (itself included). */
export function criticalPathLengths(tasks: readonly TaskSnapshot[]): Map<string, number> {
  const dependents = new Map<string, string[]>();
  for (const t of tasks) for (const d of t.depends) dependents.set(d, [...(dependents.get(d) ?? []), t.id]);
  const memo = new Map<string, number>();
  const visit = (id: string, seen: Set<string>): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    // The PRD loader rejects cycles; this guard only keeps a hand-edited log from hanging us.
    if (seen.has(id)) return 0;
    seen.add(id);
    const length = 1 + Math.max(0, ...(dependents.get(id) ?? []).map((n) => visit(n, seen)));
    seen.delete(id);
    memo.set(id, length);
    return length;
  };
  for (const t of tasks) visit(t.id, new Set());
  return memo;
}
