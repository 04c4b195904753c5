import type { RunSnapshot } from '../../protocol/run-snapshot';
import { tally } from '../../protocol/task-tally';
import { formatCost } from './progress';
import { runIcon } from './state-icons';

export interface StatusText {
  /** With `$(icon)` syntax, as the status bar renders it. */
  readonly text: string;
  readonly tooltip: string;
}

/** The status bar's summary of a run: `$(sync~spin) Orch 3/8 · $0.42`. */
export function statusText(run: RunSnapshot | undefined): StatusText {
  if (run === undefined) return { text: '$(map) Orch', tooltip: 'Orch: no run in this workspace yet' };
  const tasks = run.taskOrder.map((id) => run.tasks[id]).filter((t) => t !== undefined);
  const { verified, total } = tally(tasks);
  const budget = run.budgetUsd === undefined ? '' : ` of ${formatCost(run.budgetUsd)}`;
  const running = tasks.filter((t) => t.state === 'running' || t.state === 'verifying').length;
  return {
    text: `$(${runIcon(run.state)}) Orch ${verified}/${total} · ${formatCost(run.costUsd)}`,
    tooltip: [
      `Orch run ${run.runId}: ${run.state}`,
      `${verified} of ${total} tasks verified, ${running} in progress`,
      `Cost ${formatCost(run.costUsd)}${budget}`,
      ...(run.pausedReason === undefined ? [] : [run.pausedReason]),
    ].join('\n'),
  };
}
