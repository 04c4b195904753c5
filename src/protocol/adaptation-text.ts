// One line per adaptation decision, as `orch status` prints them and the dashboard lists them.

import type { Adaptation } from './run-snapshot';

/** What changed, in a few words: `4 -> 2`, `haiku -> sonnet`, `backend-engineer -> frontend-engineer`. */
export function adaptationChange(a: Adaptation): string {
  if (a.kind === 'order') return `${a.taskId ?? 'a task'} first`;
  const what = a.kind === 'parallelism' ? 'parallel' : a.kind === 'request-rate' ? 'tries' : (a.taskId ?? '');
  const change = a.from !== undefined && a.to !== undefined ? `${a.from} -> ${a.to}` : (a.to ?? '');
  return [what, change].filter((p) => p !== '').join(' ');
}

/** The newest `max` decisions, oldest first, with the time of day (UTC) they were taken. */
export function adaptationLines(adaptations: readonly Adaptation[] | undefined, max: number): string[] {
  const list = adaptations ?? [];
  const shown = list.slice(-max).map((a) => `${a.at.slice(11, 19)} ${a.kind} ${adaptationChange(a)}: ${a.reason}`);
  return list.length > max ? [`(${list.length - max} earlier)`, ...shown] : shown;
}
