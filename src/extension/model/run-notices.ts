import type { RunSnapshot } from '../../protocol/run-snapshot';
import { tally } from '../../protocol/task-tally';
import { formatCost } from './progress';

export type NoticeAction = 'Show Log' | 'Resume' | 'Raise Budget' | 'Show Task';

export interface Notice {
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
  readonly actions: readonly NoticeAction[];
  /** The task a "Show Task" action reveals. */
  readonly taskId?: string;
}

/**
 * What the user should hear about between two folds of the same run: a task blocked or failed
 * for good, a pause (budget or user), the end of the run. Only changes count, so opening an old
 * log says nothing, and the same message is never shown twice.
 */
export function runNotices(before: RunSnapshot | undefined, after: RunSnapshot | undefined): Notice[] {
  if (before === undefined || after === undefined || before.runId !== after.runId) return [];
  const notices: Notice[] = [];
  for (const id of after.taskOrder) {
    const was = before.tasks[id]?.state;
    const task = after.tasks[id];
    if (task === undefined || task.state === was) continue;
    // A task blocked by a failed dependency or phase gate is a consequence of a failure already
    // announced: one notice for the cause, not one per dependent task.
    if (task.state === 'blocked' && !/^(dependency|phase gate)\b/.test(task.error ?? '')) {
      notices.push({ level: 'warning', message: `Orch: ${id} is blocked${task.error === undefined ? '' : `: ${task.error}`}`, actions: ['Show Task', 'Show Log'], taskId: id });
    } else if (task.state === 'failed') {
      notices.push({ level: 'error', message: `Orch: ${id} failed${task.error === undefined ? '' : `: ${task.error}`}`, actions: ['Show Task', 'Show Log'], taskId: id });
    }
  }
  if (after.state !== before.state) {
    const tasks = after.taskOrder.map((id) => after.tasks[id]).filter((t) => t !== undefined);
    const { verified, total } = tally(tasks);
    const figures = `${verified}/${total} verified, ${formatCost(after.costUsd)}`;
    switch (after.state) {
      case 'paused': {
        const budget = after.budgetUsd === undefined ? '' : ` of ${formatCost(after.budgetUsd)}`;
        const actions: NoticeAction[] = /budget/i.test(after.pausedReason ?? '') ? ['Raise Budget', 'Resume'] : ['Resume'];
        notices.push({ level: 'warning', message: `Orch: run paused: ${after.pausedReason ?? 'by request'} (${formatCost(after.costUsd)}${budget} spent).`, actions });
        break;
      }
      case 'completed':
        notices.push({ level: 'info', message: `Orch: run finished: every task verified (${figures}).`, actions: ['Show Log'] });
        break;
      case 'failed':
        notices.push({ level: 'warning', message: `Orch: run finished: a task failed or is blocked (${figures}).`, actions: ['Show Log'] });
        break;
      case 'cancelled':
        notices.push({ level: 'info', message: `Orch: run finished: cancelled (${figures}).`, actions: ['Show Log', 'Resume'] });
        break;
      case 'running':
        break;
    }
  }
  return notices;
}
