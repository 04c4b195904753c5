import type { RunSnapshot, TaskSnapshot } from '../../../src/protocol/run-snapshot';

export interface Eta {
  /** Milliseconds left, or undefined until a task has been verified (nothing to go on). */
  readonly remainingMs: number | undefined;
  readonly remainingTasks: number;
  readonly medianTaskMs: number | undefined;
  readonly parallelism: number;
}

const DONE: ReadonlySet<TaskSnapshot['state']> = new Set(['verified', 'failed', 'blocked', 'cancelled']);

/**
 * A deliberately simple estimate: tasks not yet finished × the median time a verified task's
 * attempts took so far ÷ how many agents have actually worked side by side (agent time over
 * wall time since the run started, at least 1, at most the tasks left). It says nothing about
 * dependencies or the tasks' sizes, so the page labels it an estimate.
 */
export function estimateEta(run: RunSnapshot, now: number): Eta {
  const tasks = run.taskOrder.map((id) => run.tasks[id]).filter((t) => t !== undefined);
  const remainingTasks = tasks.filter((t) => !DONE.has(t.state)).length;
  const verified = tasks.filter((t) => t.state === 'verified').map((t) => attemptTimeMs(run, t.attempts, now));
  const medianTaskMs = median(verified);
  let busyMs = 0;
  for (const attempt of Object.values(run.attempts)) busyMs += span(attempt.startedAt, attempt.finishedAt, now);
  const wallMs = span(run.startedAt, run.finishedAt, now);
  const observed = wallMs > 0 ? busyMs / wallMs : 1;
  const parallelism = Math.max(1, Math.min(observed, Math.max(remainingTasks, 1)));
  const remainingMs = medianTaskMs === undefined ? undefined : (remainingTasks * medianTaskMs) / parallelism;
  return { remainingMs, remainingTasks, medianTaskMs, parallelism };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** "about 1h 20m", "about 4m", "under a minute"; "—" when there is no estimate. */
export function etaText(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms <= 0) return 'done';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `about ${minutes}m`;
  return `about ${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

function attemptTimeMs(run: RunSnapshot, attemptIds: readonly string[], now: number): number {
  let ms = 0;
  for (const id of attemptIds) {
    const a = run.attempts[id];
    if (a !== undefined) ms += span(a.startedAt, a.finishedAt, now);
  }
  return ms;
}

function span(fromIso: string, toIso: string | undefined, now: number): number {
  const ms = (toIso === undefined ? now : Date.parse(toIso)) - Date.parse(fromIso);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

export interface ForecastEta {
  readonly p50: number;
  readonly lo: number;
  readonly hi: number;
  readonly basis: 'history' | 'defaults';
  readonly tasksLeft: number;
}

/**
 * The engine's live forecast (predictions from the learning store over the remaining DAG), as it
 * stands now: it was made when the last attempt ended, so the time since then is taken off, and
 * no bound drops below zero. Undefined before the engine made one (older runs): then the median
 * estimate above stands in.
 */
export function forecastEta(run: RunSnapshot, now: number): ForecastEta | undefined {
  const f = run.forecast;
  if (f === undefined) return undefined;
  const since = Math.max(0, now - Date.parse(f.at));
  const left = (ms: number): number => Math.max(0, ms - (Number.isFinite(since) ? since : 0));
  return { p50: left(f.etaMs.p50), lo: left(f.etaMs.lo), hi: left(f.etaMs.hi), basis: f.basis, tasksLeft: f.tasksLeft };
}
