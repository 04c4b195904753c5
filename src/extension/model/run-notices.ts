import type { FailureClass } from '../../protocol/events';
import type { RunSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import { tally } from '../../protocol/task-tally';
import { formatCost } from './progress';

export type NoticeAction = 'Show Log' | 'Resume' | 'Raise Budget' | 'Show Task' | 'Retry Task' | 'Set API Key';

/** The providers whose keys `orch.setApiKey` stores (API_KEYS in api-keys.ts). */
export type KeyProvider = 'Anthropic' | 'OpenAI';

export interface Notice {
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
  readonly actions: readonly NoticeAction[];
  /** The task "Show Task" reveals and "Retry Task" runs again. */
  readonly taskId?: string;
  /** Set on a "needs input" notice: the provider whose key "Set API Key" asks for. */
  readonly provider?: KeyProvider;
}

// The runner's classes for credentials that are missing (no login, no OPENAI_API_KEY) or refused.
const CREDENTIAL_FAILURES: readonly FailureClass[] = ['not-logged-in', 'auth'];

/**
 * What the user should hear about between two folds of the same run: a task blocked or failed
 * for good, a pause (budget or user), the end of the run. Only changes count, so opening an old
 * log says nothing, and the same message is never shown twice.
 */
export function runNotices(before: RunSnapshot | undefined, after: RunSnapshot | undefined): Notice[] {
  if (before === undefined || before.runId !== after?.runId) return [];
  const notices: Notice[] = [];
  // Every task of a provider meets the same missing key: one notice for it, even across folds.
  const keysAsked = new Set(before.taskOrder.map((id) => credentialProvider(before, before.tasks[id])));
  for (const id of after.taskOrder) {
    const was = before.tasks[id]?.state;
    const task = after.tasks[id];
    if (task === undefined || task.state === was) continue;
    const reason = task.error === undefined ? '' : `: ${task.error}`;
    const provider = credentialProvider(after, task);
    if (provider !== undefined) {
      if (keysAsked.has(provider)) continue;
      keysAsked.add(provider);
      notices.push({ level: 'warning', message: `Orch: needs input: ${id} ${task.state}, no valid ${provider} API key${reason}`, actions: ['Set API Key', 'Show Task', 'Show Log'], taskId: id, provider });
      continue;
    }
    // A task blocked by a failed dependency or phase gate is a consequence of a failure already
    // announced: one notice for the cause, not one per dependent task.
    if (task.state === 'blocked' && !/^(dependency|phase gate)\b/.test(task.error ?? '')) {
      notices.push({ level: 'warning', message: `Orch: ${id} is blocked${reason}`, actions: ['Retry Task', 'Show Task', 'Show Log'], taskId: id });
    } else if (task.state === 'failed') {
      notices.push({ level: 'error', message: `Orch: ${id} failed${reason}`, actions: ['Retry Task', 'Show Task', 'Show Log'], taskId: id });
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

/**
 * The provider whose credentials stopped this task, if that is why it failed or was blocked: the
 * class of its last attempt's failure, else the class the engine puts first in the reason
 * (`not-logged-in: ...`). The OpenAI runner names OPENAI_API_KEY or "the OpenAI API" in its message.
 */
function credentialProvider(run: RunSnapshot, task: TaskSnapshot | undefined): KeyProvider | undefined {
  if (task === undefined || (task.state !== 'failed' && task.state !== 'blocked')) return undefined;
  const last = task.attempts.at(-1);
  const attempt = last === undefined ? undefined : run.attempts[last];
  const failure = attempt?.failure ?? /^([a-z-]+):/.exec(task.error ?? '')?.[1];
  if (!CREDENTIAL_FAILURES.includes(failure as FailureClass)) return undefined;
  return /OPENAI_API_KEY|\bOpenAI\b/.test(`${task.error ?? ''} ${attempt?.message ?? ''}`) ? 'OpenAI' : 'Anthropic';
}
