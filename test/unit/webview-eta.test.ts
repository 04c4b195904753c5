import { strict as assert } from 'node:assert';
import type { NewEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import { estimateEta, etaText, median } from '../../webview/src/lib/eta';
import { roadmapWith, sequenced, task } from '../support/builders';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'PRD-1', tasks: ['T1', 'T2', 'T3', 'T4', 'T5'].map((id) => task('PRD-1', id)) } }]);

/** Event bodies, each with the second of the run it happened at. */
function runAt(timed: readonly (readonly [number, NewEvent])[]) {
  const events = sequenced('r', timed.map(([, e]) => e)).map((e, i) => ({ ...e, at: at(timed[i]?.[0] ?? 0) }));
  const snapshot = foldEvents(events);
  assert.ok(snapshot !== undefined);
  return snapshot;
}

const started = (s: number, id: string): readonly [number, NewEvent] => [s, { type: 'attempt.started', taskId: `PRD-1/${id}`, attemptId: `PRD-1/${id}#1`, agent: 'dev', model: 'sonnet', prompt: 'p' }];
const finished = (s: number, id: string): readonly [number, NewEvent] => [
  s,
  { type: 'attempt.finished', attemptId: `PRD-1/${id}#1`, outcome: 'succeeded', costUsd: 0, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 0 },
];
const verified = (s: number, id: string): readonly [number, NewEvent] => [s, { type: 'task.verified', taskId: `PRD-1/${id}`, checks: [], basis: 'checks' }];

describe('webview ETA estimate', () => {
  const begin: (readonly [number, NewEvent])[] = [
    [0, { type: 'run.started', roadmapFile: 'roadmap.md', milestones: ['0.1'] }],
    [0, { type: 'plan.loaded', roadmap }],
    started(0, 'T1'),
    started(0, 'T2'),
  ];

  it('has no estimate until a task is verified', () => {
    const eta = estimateEta(runAt(begin), T0 + 30_000);
    assert.equal(eta.remainingMs, undefined);
    assert.equal(eta.remainingTasks, 5);
    assert.equal(etaText(eta.remainingMs), '—');
  });

  it('is tasks left × median verified-task time ÷ the parallelism observed so far', () => {
    const run = runAt([...begin, finished(60, 'T1'), verified(60, 'T1'), started(60, 'T3'), finished(120, 'T2'), verified(120, 'T2')]);
    const eta = estimateEta(run, T0 + 180_000);
    // Agent time 60 + 120 + 120 s over 180 s of wall time: 5/3 agents side by side.
    assert.equal(eta.remainingTasks, 3);
    assert.equal(eta.medianTaskMs, 90_000);
    assert.ok(Math.abs(eta.parallelism - 5 / 3) < 1e-9, String(eta.parallelism));
    assert.ok(Math.abs((eta.remainingMs ?? 0) - 162_000) < 1e-6, String(eta.remainingMs));
    assert.equal(etaText(eta.remainingMs), 'about 3m');
  });

  it('never divides by more agents than tasks left, nor by less than one', () => {
    const run = runAt([...begin, started(0, 'T3'), started(0, 'T4'), started(0, 'T5'), finished(100, 'T1'), verified(100, 'T1')]);
    // Five agents worked side by side, but four tasks are left.
    assert.equal(estimateEta(run, T0 + 100_000).parallelism, 4);
    const lone = runAt([...begin.slice(0, 3), finished(10, 'T1'), verified(10, 'T1')]);
    assert.equal(estimateEta(lone, T0 + 1_000_000).parallelism, 1);
  });

  it('takes the median, not the mean, and words hours', () => {
    assert.equal(median([5, 1, 100]), 5);
    assert.equal(median([1, 2, 3, 10]), 2.5);
    assert.equal(median([]), undefined);
    assert.equal(etaText(90 * 60_000), 'about 1h 30m');
    assert.equal(etaText(20_000), 'under a minute');
  });
});
