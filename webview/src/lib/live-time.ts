import type { AttemptSnapshot, RunSnapshot } from '../../../src/protocol/run-snapshot';
import { duration } from './format';

// Times that grow while something runs. The page re-reads them from one shared clock tick
// (state/clock.svelte.ts), so each of these takes `now` rather than reading Date.now itself.

/** True while a duration on the page can still change: the run goes on and an attempt runs or a worker is alive. */
export function needsClock(run: RunSnapshot | undefined): boolean {
  if (run === undefined || run.finishedAt !== undefined) return false;
  // Heartbeat ages on the Workers view grow while a worker is alive, busy or not.
  if (Object.values(run.workers ?? {}).some((w) => w.state === 'alive')) return true;
  for (const id in run.attempts) if (run.attempts[id]?.finishedAt === undefined) return true;
  return false;
}

/**
 * When the attempt's time stops counting: its own end, else the run's (a run that was killed
 * may never log the attempt's end, and its time must not grow for ever), else now.
 */
export function attemptEnd(run: RunSnapshot, attempt: AttemptSnapshot, now: number): number {
  if (attempt.finishedAt !== undefined) return Date.parse(attempt.finishedAt);
  return run.finishedAt === undefined ? now : Date.parse(run.finishedAt);
}

export function attemptDuration(run: RunSnapshot, attempt: AttemptSnapshot, now: number): string {
  return duration(attempt.startedAt, new Date(attemptEnd(run, attempt, now)).toISOString());
}

/** True while the attempt still counts up (it reads the clock only then). */
function attemptLive(run: RunSnapshot, attempt: AttemptSnapshot): boolean {
  return attempt.finishedAt === undefined && run.finishedAt === undefined;
}

/** What the Activity section says while it has no entry. */
export function activityPlaceholder(run: RunSnapshot, attempt: AttemptSnapshot, now: number): string {
  if (attemptLive(run, attempt)) return `Waiting for the model's first answer… (started ${duration(attempt.startedAt, undefined, now)} ago)`;
  return attempt.state === 'running' ? 'The run ended before the model answered.' : 'The attempt ended without any activity.';
}
