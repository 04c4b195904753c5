import type { TaskState } from '../../../src/protocol/domain';
import type { AttemptSnapshot } from '../../../src/protocol/run-snapshot';
import { splitTaskId } from '../../../src/protocol/ids';

export type ShownState = TaskState | AttemptSnapshot['state'] | 'paused' | 'completed' | 'unknown' | 'done' | 'waiting' | 'empty' | 'passed';

// Every state has a symbol and a word, so it reads without colour (and in a screen reader).
const LABELS: Readonly<Record<ShownState, { readonly icon: string; readonly text: string }>> = {
  pending: { icon: '○', text: 'pending' },
  waiting: { icon: '○', text: 'waiting' },
  running: { icon: '▶', text: 'running' },
  verifying: { icon: '◎', text: 'verifying' },
  verified: { icon: '✓', text: 'verified' },
  succeeded: { icon: '✓', text: 'succeeded' },
  passed: { icon: '✓', text: 'passed' },
  completed: { icon: '✓', text: 'completed' },
  done: { icon: '✓', text: 'done' },
  failed: { icon: '✗', text: 'failed' },
  blocked: { icon: '⊘', text: 'blocked' },
  cancelled: { icon: '⊘', text: 'cancelled' },
  paused: { icon: '⏸', text: 'paused' },
  unknown: { icon: '?', text: 'unknown' },
  empty: { icon: '–', text: 'no tasks' },
};

export function stateLabel(state: ShownState): { readonly icon: string; readonly text: string } {
  return LABELS[state];
}

/** Colour family for a state; the label carries the meaning, colour only helps. */
export function stateTone(state: ShownState): 'ok' | 'busy' | 'bad' | 'idle' {
  if (state === 'verified' || state === 'succeeded' || state === 'completed' || state === 'done' || state === 'passed') return 'ok';
  if (state === 'running' || state === 'verifying') return 'busy';
  if (state === 'failed' || state === 'blocked') return 'bad';
  return 'idle';
}

export function usd(value: number): string {
  return value >= 100 ? `$${value.toFixed(0)}` : value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(value === 0 ? 2 : 4)}`;
}

/** Minutes since a run started, as a person reads them: seconds under 2 min, hours from 90 min. */
export function runMinutes(m: number): string {
  if (m < 2) return `${Math.round(m * 60)} s`;
  return m >= 90 ? `${(m / 60).toFixed(1)} h` : `${Math.round(m)} min`;
}

export function tokens(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

export function duration(fromIso: string, toIso: string | undefined, now: number = Date.now()): string {
  const ms = (toIso === undefined ? now : Date.parse(toIso)) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** `PRD-1/T2` shows as `T2`, `PRD-1/T2#3` as `#3` where the context already names the task. */
export function shortTaskId(qualified: string): string {
  return splitTaskId(qualified).taskId;
}

export function attemptNumber(attemptId: string): string {
  const hash = attemptId.lastIndexOf('#');
  return hash < 0 ? attemptId : attemptId.slice(hash);
}

export function percent(done: number, total: number): number {
  return total === 0 ? 0 : Math.round((done / total) * 100);
}
