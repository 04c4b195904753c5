import { strict as assert } from 'node:assert';
import type { NewEvent, OrchEvent } from '../../src/protocol/events';
import { foldEvent, foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { runNotices } from '../../src/extension/model/run-notices';
import { roadmapWith, sequenced, task } from '../support/builders';

const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2')] } }]);
const start: NewEvent[] = [
  { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [], budgetUsd: 1 },
  { type: 'plan.loaded', roadmap },
];

/** The snapshots before and after the last `tail.length` events. */
function step(tail: NewEvent[], head: NewEvent[] = start): [RunSnapshot | undefined, RunSnapshot] {
  const events: OrchEvent[] = sequenced('r', [...head, ...tail]);
  const before = foldEvents(events.slice(0, head.length));
  const after = events.slice(head.length).reduce<RunSnapshot | undefined>((s, e) => foldEvent(s, e), before);
  assert.ok(after);
  return [before, after];
}

describe('run notices', () => {
  it('says nothing when a log is first opened, however it ended', () => {
    const done = foldEvents(sequenced('r', [...start, { type: 'task.blocked', taskId: 'PRD-1/T1', reason: 'x' }, { type: 'run.finished', state: 'failed' }]));
    assert.deepEqual(runNotices(undefined, done), []);
  });

  it('tells of a blocked task with a button to show it', () => {
    const [before, after] = step([{ type: 'task.blocked', taskId: 'PRD-1/T2', reason: 'depends on PRD-1/T1, which failed' }]);
    assert.deepEqual(runNotices(before, after), [
      { level: 'warning', message: 'Orch: PRD-1/T2 is blocked: depends on PRD-1/T1, which failed', actions: ['Show Task', 'Show Log'], taskId: 'PRD-1/T2' },
    ]);
    assert.deepEqual(runNotices(after, after), []);
  });

  it('stays quiet about tasks blocked only because a dependency failed: the failure was announced', () => {
    const [before, after] = step([
      { type: 'task.failed', taskId: 'PRD-1/T1', reason: 'timeout: no answer', checks: [] },
      { type: 'task.blocked', taskId: 'PRD-1/T2', reason: 'dependency PRD-1/T1 is failed' },
    ]);
    assert.deepEqual(runNotices(before, after).map((n) => n.message), ['Orch: PRD-1/T1 failed: timeout: no answer']);
  });

  it('offers to raise the budget and resume when the budget pauses the run', () => {
    const [before, after] = step([
      { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'a', model: 'm', prompt: 'p' },
      { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 1.02, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 },
      { type: 'run.paused', reason: 'budget', message: 'budget exhausted' },
    ]);
    assert.deepEqual(runNotices(before, after), [{ level: 'warning', message: 'Orch: run paused: budget exhausted ($1.02 of $1.00 spent).', actions: ['Raise Budget', 'Resume'] }]);
  });

  it('reports the end of a run with its figures, and a failed task as an error', () => {
    const [before, after] = step([
      { type: 'task.failed', taskId: 'PRD-1/T1', reason: 'auth: invalid API key', checks: [] },
      { type: 'run.finished', state: 'failed' },
    ]);
    assert.deepEqual(
      runNotices(before, after).map((n) => [n.level, n.message]),
      [
        ['error', 'Orch: PRD-1/T1 failed: auth: invalid API key'],
        ['warning', 'Orch: run finished: a task failed or is blocked (0/2 verified, $0.00).'],
      ],
    );
    const [, completed] = step([{ type: 'task.verified', taskId: 'PRD-1/T1', checks: [], basis: 'checks' }, { type: 'task.verified', taskId: 'PRD-1/T2', checks: [], basis: 'checks' }, { type: 'run.finished', state: 'completed' }]);
    assert.equal(runNotices(before, completed).at(-1)?.message, 'Orch: run finished: every task verified (2/2 verified, $0.00).');
  });
});
