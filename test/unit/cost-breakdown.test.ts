import { strict as assert } from 'node:assert';
import { roadmapWith, sequenced, task } from '../support/builders';
import { costBreakdown, qualityStats } from '../../src/protocol/cost-breakdown';
import { foldEvents } from '../../src/protocol/fold';

const roadmap = roadmapWith([
  { milestone: '1.1', prd: { id: 'P1', tasks: [task('P1', 'T1', { phase: 'implementation' }), task('P1', 'T2', { phase: 'qa' })] } },
  { milestone: '1.2', prd: { id: 'P2', tasks: [task('P2', 'T1', { phase: 'implementation' })] } },
]);

const state = foldEvents(
  sequenced('r', [
    { type: 'run.started', roadmapFile: 'r.md', milestones: [] },
    { type: 'plan.loaded', roadmap },
    { type: 'model.routed', taskId: 'P1/T1', model: 'haiku', source: 'router', complexity: 0.1, reasons: [], alternatives: [] },
    { type: 'attempt.started', taskId: 'P1/T1', attemptId: 'P1/T1#1', agent: 'dev', model: 'haiku', prompt: 'p' },
    { type: 'model.fellBack', taskId: 'P1/T1', attemptId: 'P1/T1#1', from: 'haiku', to: 'sonnet', reason: 'overloaded', costUsdBefore: 0.1 },
    { type: 'attempt.finished', attemptId: 'P1/T1#1', outcome: 'succeeded', costUsd: 0.4, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
    { type: 'task.verified', taskId: 'P1/T1', checks: [], basis: 'b' },
    { type: 'model.routed', taskId: 'P1/T2', model: 'haiku', source: 'router', complexity: 0.1, reasons: [], alternatives: [] },
    { type: 'attempt.started', taskId: 'P1/T2', attemptId: 'P1/T2#1', agent: 'qa', model: 'haiku', prompt: 'p' },
    { type: 'attempt.finished', attemptId: 'P1/T2#1', outcome: 'succeeded', costUsd: 0.2, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
    { type: 'defect.raised', taskId: 'P1/T2', attemptId: 'P1/T2#1', reason: 'r', checks: [] },
    { type: 'attempt.started', taskId: 'P1/T2', attemptId: 'P1/T2#2', agent: 'qa', model: 'haiku', prompt: 'p' },
    { type: 'attempt.finished', attemptId: 'P1/T2#2', outcome: 'succeeded', costUsd: 0.2, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
    { type: 'task.verified', taskId: 'P1/T2', checks: [], basis: 'b' },
    { type: 'model.routed', taskId: 'P2/T1', model: 'gpt-4.1', source: 'pin', complexity: 0.1, reasons: [], alternatives: [] },
    { type: 'attempt.started', taskId: 'P2/T1', attemptId: 'P2/T1#1', agent: 'analyst', model: 'gpt-4.1', prompt: 'p' },
    { type: 'attempt.finished', attemptId: 'P2/T1#1', outcome: 'failed', failure: 'auth', costUsd: 0.05, costSource: 'estimated', inputTokens: 0, outputTokens: 0, durationMs: 1 },
    { type: 'task.failed', taskId: 'P2/T1', reason: 'auth', checks: [] },
  ]),
)!;

function near(a: number | null | undefined, b: number): boolean {
  return a !== null && a !== undefined && Math.abs(a - b) < 1e-9;
}

describe('costBreakdown', () => {
  it('adds up every level to the run, keeping reported and estimated apart', () => {
    const c = costBreakdown(state);
    assert.ok(near(c.run.totalUsd, 0.85) && near(c.run.reportedUsd, 0.8) && near(c.run.estimatedUsd, 0.05));
    assert.ok(near(c.run.totalUsd, state.costUsd));
    assert.equal(c.run.attempts, 4);
    assert.ok(near(c.byTask['P1/T2']?.totalUsd, 0.4));
    assert.deepEqual(Object.keys(c.byAgent).sort(), ['analyst', 'dev', 'qa']);
    assert.ok(near(c.byPhase.implementation?.totalUsd, 0.45) && near(c.byPhase.qa?.totalUsd, 0.4));
    assert.ok(near(c.byPrd.P1?.totalUsd, 0.8) && near(c.byMilestone['1.2']?.estimatedUsd, 0.05));
    assert.ok(near(c.byAttempt['P1/T1#1']?.totalUsd, 0.4));
  });

  it('splits a fallen-back attempt between its models', () => {
    const m = costBreakdown(state).byModel;
    assert.ok(near(m.haiku?.totalUsd, 0.1 + 0.4) && near(m.sonnet?.totalUsd, 0.3) && near(m['gpt-4.1']?.estimatedUsd, 0.05));
  });
});

describe('qualityStats', () => {
  it('gives first-pass rate, reworks and cost per verified task per model and role', () => {
    const q = qualityStats(state);
    const haiku = q.byModel.haiku!;
    assert.deepEqual([haiku.tasks, haiku.verified, haiku.firstPass, haiku.reworks], [2, 2, 1, 1]);
    assert.ok(near(haiku.firstPassRate, 0.5) && near(haiku.costPerVerifiedUsd, 0.4));
    assert.deepEqual([q.byModel['gpt-4.1']?.verified, q.byModel['gpt-4.1']?.costPerVerifiedUsd], [0, null]);
    assert.ok(near(q.byAgent.qa?.firstPassRate, 0));
  });

  it('charges a task reworked one tier up to the model of its first attempt', () => {
    const escalated = foldEvents(
      sequenced('r', [
        { type: 'run.started', roadmapFile: 'r.md', milestones: [] },
        { type: 'plan.loaded', roadmap },
        { type: 'model.routed', taskId: 'P1/T1', model: 'haiku', source: 'router', complexity: 0.1, reasons: [], alternatives: [] },
        { type: 'attempt.started', taskId: 'P1/T1', attemptId: 'P1/T1#1', agent: 'dev', model: 'haiku', prompt: 'p' },
        { type: 'attempt.finished', attemptId: 'P1/T1#1', outcome: 'succeeded', costUsd: 0.1, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
        { type: 'defect.raised', taskId: 'P1/T1', attemptId: 'P1/T1#1', reason: 'r', checks: [] },
        { type: 'model.routed', taskId: 'P1/T1', model: 'sonnet', source: 'router', complexity: 0.1, reasons: [], alternatives: [] },
        { type: 'attempt.started', taskId: 'P1/T1', attemptId: 'P1/T1#2', agent: 'dev', model: 'sonnet', prompt: 'p' },
        { type: 'attempt.finished', attemptId: 'P1/T1#2', outcome: 'succeeded', costUsd: 0.3, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
        { type: 'task.verified', taskId: 'P1/T1', checks: [], basis: 'b' },
      ]),
    )!;
    const q = qualityStats(escalated);
    assert.deepEqual(Object.keys(q.byModel), ['haiku']);
    assert.deepEqual([q.byModel.haiku!.firstPass, q.byModel.haiku!.reworks], [0, 1]);
  });
});
