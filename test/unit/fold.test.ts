import { strict as assert } from 'node:assert';
import { foldEvent, foldEvents } from '../../src/protocol/fold';
import { roadmapWith, sequenced, task } from '../support/builders';

const roadmap = roadmapWith([
  { milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2', { depends: ['T1'] })] } },
  { milestone: '0.2', prd: { id: 'PRD-2', tasks: [task('PRD-2', 'T1', { model: 'opus' })] } },
]);

describe('foldEvent', () => {
  it('builds qualified tasks from the plan, only for the selected milestones', () => {
    const state = foldEvents(
      sequenced('r', [
        { type: 'run.started', roadmapFile: 'roadmap.md', milestones: ['0.1'] },
        { type: 'plan.loaded', roadmap },
      ]),
    );
    assert.deepEqual(state?.taskOrder, ['PRD-1/T1', 'PRD-1/T2']);
    assert.deepEqual(state?.tasks['PRD-1/T2']?.depends, ['PRD-1/T1']);
    assert.equal(state?.tasks['PRD-1/T1']?.state, 'pending');
  });

  it('follows a task through an attempt, a failure, a rework and verification, summing cost', () => {
    const state = foldEvents(
      sequenced('r', [
        { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
        { type: 'plan.loaded', roadmap },
        { type: 'attempt.started', taskId: 'PRD-2/T1', attemptId: 'PRD-2/T1#1', agent: 'backend-engineer', model: 'opus', prompt: 'p' },
        { type: 'attempt.activity', attemptId: 'PRD-2/T1#1', activity: { kind: 'text', text: 'working' } },
        { type: 'attempt.finished', attemptId: 'PRD-2/T1#1', outcome: 'failed', failure: 'overloaded', message: 'API overloaded', costUsd: 0.25, costSource: 'reported', inputTokens: 10, outputTokens: 5, durationMs: 100 },
        { type: 'task.failed', taskId: 'PRD-2/T1', reason: 'attempt failed', checks: [] },
        { type: 'attempt.started', taskId: 'PRD-2/T1', attemptId: 'PRD-2/T1#2', agent: 'backend-engineer', model: 'opus', prompt: 'p', resumeOf: 'PRD-2/T1#1', promptTokens: 812 },
        { type: 'attempt.finished', attemptId: 'PRD-2/T1#2', outcome: 'succeeded', costUsd: 0.5, costSource: 'reported', sessionId: 's1', modelUsed: 'claude-opus-4-8', inputTokens: 10, outputTokens: 5, durationMs: 100 },
        { type: 'task.verifying', taskId: 'PRD-2/T1' },
        { type: 'task.verified', taskId: 'PRD-2/T1', checks: [{ check: 'file a', passed: true, detail: '3 bytes' }], basis: 'checks' },
      ]),
    );
    const t = state?.tasks['PRD-2/T1'];
    assert.equal(t?.state, 'verified');
    assert.deepEqual(t?.attempts, ['PRD-2/T1#1', 'PRD-2/T1#2']);
    assert.equal(t?.costUsd, 0.75);
    assert.equal(t?.error, undefined);
    assert.equal(state?.costUsd, 0.75);
    assert.equal(state?.attempts['PRD-2/T1#1']?.activity.length, 1);
    assert.equal(state?.attempts['PRD-2/T1#1']?.failure, 'overloaded');
    assert.equal(state?.attempts['PRD-2/T1#2']?.sessionId, 's1');
    assert.deepEqual([state?.attempts['PRD-2/T1#1']?.promptTokens, state?.attempts['PRD-2/T1#2']?.promptTokens], [undefined, 812]);
  });

  it('remembers an environment block across a requeue, until the task is verified again or a new attempt starts', () => {
    const unavailable = { check: 'browser index.html', passed: false, detail: 'Chromium not found at /x', unavailable: true as const };
    const events = sequenced('r', [
      { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
      { type: 'plan.loaded', roadmap },
      { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'a', model: 'm', prompt: 'p' },
      { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 1, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
      { type: 'task.verifying', taskId: 'PRD-1/T1' },
      { type: 'task.blocked', taskId: 'PRD-1/T1', reason: 'environment: no Chromium', environment: true, checks: [unavailable] },
      { type: 'task.blocked', taskId: 'PRD-1/T2', reason: 'depends on PRD-1/T1, which is blocked' },
      { type: 'task.requeued', taskId: 'PRD-1/T1', reason: 'resume' },
      { type: 'task.verifying', taskId: 'PRD-1/T1' },
    ]);
    const blocked = foldEvents(events.slice(0, 7))!;
    assert.equal(blocked.tasks['PRD-1/T1']?.environmentBlocked, true);
    assert.deepEqual(blocked.tasks['PRD-1/T1']?.checks, [unavailable]);
    assert.equal(blocked.tasks['PRD-1/T2']?.environmentBlocked, undefined, 'a block by the plan is not the environment');
    const requeued = foldEvents(events.slice(0, 8))!;
    assert.equal(requeued.tasks['PRD-1/T1']?.state, 'pending');
    assert.equal(requeued.tasks['PRD-1/T1']?.environmentBlocked, true);
    assert.equal(foldEvents(events)!.tasks['PRD-1/T1']?.environmentBlocked, undefined);
  });

  it('ignores an event it has already folded, so replays cannot double-count cost', () => {
    const events = sequenced('r', [
      { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
      { type: 'plan.loaded', roadmap },
      { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'a', model: 'm', prompt: 'p' },
      { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 1, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
    ]);
    const once = foldEvents(events);
    const twice = foldEvent(once, events[3]!);
    assert.equal(twice.costUsd, 1);
    assert.strictEqual(twice, once);
  });

  it('does not mutate the previous state', () => {
    const events = sequenced('r', [
      { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
      { type: 'plan.loaded', roadmap },
    ]);
    const before = foldEvents(events)!;
    const frozen = JSON.stringify(before);
    foldEvent(before, { type: 'task.blocked', taskId: 'PRD-1/T1', reason: 'x', seq: 3, at: 'now', runId: 'r' });
    assert.equal(JSON.stringify(before), frozen);
  });

  it('records pause, resume with a new budget, and the final state', () => {
    const state = foldEvents(
      sequenced('r', [
        { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [], budgetUsd: 1 },
        { type: 'run.paused', reason: 'budget', message: 'budget exhausted' },
        { type: 'run.resumed', budgetUsd: 5 },
        { type: 'run.finished', state: 'completed' },
      ]),
    );
    assert.equal(state?.state, 'completed');
    assert.equal(state?.budgetUsd, 5);
    assert.equal(state?.pausedReason, undefined);
  });

  it('keeps going on events for unknown tasks, as a warning', () => {
    const state = foldEvents(sequenced('r', [{ type: 'task.verifying', taskId: 'PRD-9/T9' }]));
    assert.deepEqual(state?.warnings, ['event for unknown task PRD-9/T9']);
  });
  it('records a routing decision on the task, splits an attempt\'s cost at a fallback, and defers a task back to pending', () => {
    const state = foldEvents(
      sequenced('r', [
        { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
        { type: 'plan.loaded', roadmap },
        { type: 'model.routed', taskId: 'PRD-1/T1', model: 'haiku', source: 'router', complexity: 0.2, reasons: ['cheapest'], alternatives: [{ model: 'haiku', expectedFirstPass: 0.9, expectedCostUsd: 0.1 }] },
        { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'a', model: 'haiku', prompt: 'p' },
        { type: 'model.fellBack', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', from: 'haiku', to: 'sonnet', reason: 'overloaded', costUsdBefore: 0.25 },
        { type: 'model.fellBack', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', from: 'sonnet', to: 'opus', reason: 'HTTP 529 twice', costUsdBefore: 0.5 },
        { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'failed', failure: 'budget-exceeded', costUsd: 1, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
        { type: 'task.deferred', taskId: 'PRD-1/T1', reason: 'the run budget leaves $0' },
      ]),
    );
    const t = state?.tasks['PRD-1/T1'];
    assert.equal(t?.model, 'haiku');
    assert.deepEqual([t?.routing?.source, t?.routing?.reasons], ['router', ['cheapest']]);
    assert.deepEqual(state?.attempts['PRD-1/T1#1']?.costByModel, { haiku: 0.25, sonnet: 0.25, opus: 0.5 });
    assert.equal(state?.attempts['PRD-1/T1#1']?.fellBackTo, 'opus');
    assert.deepEqual(
      state?.attempts['PRD-1/T1#1']?.fallbacks?.map((f) => [f.from, f.to, f.reason]),
      [
        ['haiku', 'sonnet', 'overloaded'],
        ['sonnet', 'opus', 'HTTP 529 twice'],
      ],
    );
    assert.deepEqual([t?.state, t?.error, t?.attemptBase], ['pending', 'the run budget leaves $0', 1]);
  });

  it('leaves an attempt Orch was killed under out of the attempt limit, and counts a crash of the agent', () => {
    const finished = (n: number, extra: { interrupted?: true } = {}) =>
      ({ type: 'attempt.finished', attemptId: `PRD-1/T1#${n}`, outcome: 'failed', failure: 'crashed', message: 'm', costUsd: 0, costSource: 'estimated', inputTokens: 0, outputTokens: 0, durationMs: 0, ...extra }) as const;
    const started = (n: number) => ({ type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: `PRD-1/T1#${n}`, agent: 'a', model: 'haiku', prompt: 'p' }) as const;
    const state = foldEvents(
      sequenced('r', [
        { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
        { type: 'plan.loaded', roadmap },
        started(1),
        finished(1),
        started(2),
        finished(2, { interrupted: true }),
        started(3),
      ]),
    );
    const t = state?.tasks['PRD-1/T1'];
    assert.deepEqual([t?.attempts.length, t?.attemptBase], [3, 1]);
  });
});
