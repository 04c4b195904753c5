import type { RunState, TaskState } from '../../protocol/domain';
import type { AttemptSnapshot } from '../../protocol/run-snapshot';
import type { NodeIcon } from './tree-node';

const taskIcons: Readonly<Record<TaskState, NodeIcon>> = {
  pending: { id: 'circle-large-outline' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  verifying: { id: 'beaker', color: 'charts.yellow' },
  verified: { id: 'pass-filled', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  blocked: { id: 'circle-slash', color: 'charts.orange' },
  cancelled: { id: 'stop-circle', color: 'disabledForeground' },
};

export function taskIcon(state: TaskState): NodeIcon {
  return taskIcons[state];
}

export function attemptIcon(state: AttemptSnapshot['state']): NodeIcon {
  if (state === 'running') return taskIcons.running;
  return state === 'succeeded' ? { id: 'check', color: 'testing.iconPassed' } : { id: 'close', color: 'testing.iconFailed' };
}

const runIcons: Readonly<Record<RunState, string>> = {
  running: 'sync~spin',
  paused: 'debug-pause',
  completed: 'pass',
  failed: 'error',
  cancelled: 'stop-circle',
};

export function runIcon(state: RunState): string {
  return runIcons[state];
}

// A group (phase, milestone, PRD) shows the most urgent state among its tasks: what needs the
// user's eye first. Verified only when every task is.
const urgency: readonly TaskState[] = ['failed', 'blocked', 'running', 'verifying', 'pending', 'cancelled'];

export function groupState(states: readonly TaskState[]): TaskState {
  return urgency.find((s) => states.includes(s)) ?? (states.length === 0 ? 'pending' : 'verified');
}
