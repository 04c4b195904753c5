import { strict as assert } from 'node:assert';
import type { NewEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { activityPlaceholder, attemptDuration, needsClock } from '../../webview/src/lib/live-time';
import { taskDuration } from '../../webview/src/lib/prd-queries';
import { sampleRoadmap } from '../integration/server-harness';
import { sequenced } from '../support/builders';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function runAt(timed: readonly (readonly [number, NewEvent])[]): RunSnapshot {
  const events = sequenced('r', timed.map(([, e]) => e)).map((e, i) => ({ ...e, at: at(timed[i]?.[0] ?? 0) }));
  const snapshot = foldEvents(events);
  assert.ok(snapshot !== undefined);
  return snapshot;
}

const begin: (readonly [number, NewEvent])[] = [
  [0, { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }],
  [0, { type: 'plan.loaded', roadmap: sampleRoadmap }],
  [10, { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'dev', model: 'sonnet', prompt: 'p' }],
];
const finished = (s: number): readonly [number, NewEvent] => [
  s,
  { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 0, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 0 },
];

describe('webview live times', () => {
  it('a running attempt counts up with the clock, a finished one stays put', () => {
    const running = runAt(begin);
    const attempt = running.attempts['PRD-1/T1#1'];
    assert.ok(attempt !== undefined);
    assert.equal(attemptDuration(running, attempt, T0 + 10_000), '0s');
    assert.equal(attemptDuration(running, attempt, T0 + 17_000), '7s');
    assert.equal(attemptDuration(running, attempt, T0 + 135_000), '2m 5s');
    const task = running.tasks['PRD-1/T1'];
    assert.ok(task !== undefined);
    assert.equal(taskDuration(running, task, T0 + 17_000), '7s');

    const done = runAt([...begin, finished(40)]);
    const ended = done.attempts['PRD-1/T1#1'];
    assert.ok(ended !== undefined);
    assert.equal(attemptDuration(done, ended, T0 + 999_000), '30s');
  });

  it('an attempt the run ended without finishing stops counting when the run ended', () => {
    const cancelled = runAt([...begin, [25, { type: 'run.finished', state: 'cancelled' }]]);
    const attempt = cancelled.attempts['PRD-1/T1#1'];
    const task = cancelled.tasks['PRD-1/T1'];
    assert.ok(attempt !== undefined && task !== undefined);
    assert.equal(attemptDuration(cancelled, attempt, T0 + 999_000), '15s');
    assert.equal(taskDuration(cancelled, task, T0 + 999_000), '15s');
  });

  it('the clock is needed only while the run goes on and an attempt runs', () => {
    assert.equal(needsClock(undefined), false);
    assert.equal(needsClock(runAt(begin.slice(0, 2))), false, 'nothing started yet');
    assert.equal(needsClock(runAt(begin)), true);
    assert.equal(needsClock(runAt([...begin, finished(40)])), false, 'the only attempt finished');
    assert.equal(needsClock(runAt([...begin, [25, { type: 'run.finished', state: 'cancelled' }]])), false, 'the run is over');
  });

  it('an attempt with no activity says what it waits for, and for how long', () => {
    const running = runAt(begin);
    const attempt = running.attempts['PRD-1/T1#1'];
    assert.ok(attempt !== undefined);
    assert.equal(activityPlaceholder(running, attempt, T0 + 22_000), "Waiting for the model's first answer… (started 12s ago)");
    const done = runAt([...begin, finished(40)]);
    assert.equal(activityPlaceholder(done, done.attempts['PRD-1/T1#1']!, T0 + 50_000), 'The attempt ended without any activity.');
    const cancelled = runAt([...begin, [25, { type: 'run.finished', state: 'cancelled' }]]);
    assert.equal(activityPlaceholder(cancelled, cancelled.attempts['PRD-1/T1#1']!, T0 + 50_000), 'The run ended before the model answered.');
  });
});
