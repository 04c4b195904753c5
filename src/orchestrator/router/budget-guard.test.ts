import { strict as assert } from 'node:assert';
import { foldEvents } from '../../protocol/fold';
import type { NewEvent } from '../../protocol/events';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { roadmapWith, sequenced, task } from '../../../test/support/builders';
import { BudgetGuard, CAP_HEADROOM } from './budget-guard';

const roadmap = roadmapWith([{ milestone: '1.1', prd: { id: 'P', tasks: [task('P', 'T1'), task('P', 'T2'), task('P', 'T3')] } }]);

function run(budgetUsd: number | undefined, spent: readonly [string, string, number][] = []): RunSnapshot {
  const events: NewEvent[] = [
    { type: 'run.started', roadmapFile: 'r.md', milestones: [], ...(budgetUsd === undefined ? {} : { budgetUsd }) },
    { type: 'plan.loaded', roadmap },
  ];
  spent.forEach(([taskId, agent, usd], i) => {
    events.push(
      { type: 'attempt.started', taskId, attemptId: `${taskId}#${i + 1}`, agent, model: 'haiku', prompt: 'p' },
      { type: 'attempt.finished', attemptId: `${taskId}#${i + 1}`, outcome: 'succeeded', costUsd: usd, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1 },
    );
  });
  return foldEvents(sequenced('r', events))!;
}

describe('BudgetGuard', () => {
  it('admits anything with no budget at all, without a cap', () => {
    assert.deepEqual(new BudgetGuard(() => run(undefined), { agentUsd: () => undefined }).allowance('P/T1', 'a', 100), { ok: true });
  });

  it('caps an attempt at a few predicted attempts or what the run has left, whichever is less', () => {
    const guard = new BudgetGuard(() => run(1, [['P/T1', 'a', 0.4]]), { agentUsd: () => undefined });
    assert.deepEqual(guard.allowance('P/T2', 'a', 0.1), { ok: true, capUsd: 0.1 * CAP_HEADROOM });
    const tight = guard.allowance('P/T2', 'a', 0.5);
    assert.ok(tight.ok && Math.abs(tight.capUsd! - 0.6) < 1e-9);
  });

  it('refuses an attempt whose predicted cost does not fit, naming the budget that stops it', () => {
    const guard = new BudgetGuard(() => run(1, [['P/T1', 'a', 0.9]]), { agentUsd: () => undefined });
    const no = guard.allowance('P/T2', 'a', 0.2);
    assert.equal(no.ok, false);
    assert.match(!no.ok ? no.reason : '', /P\/T2's next attempt is predicted at \$0\.2000 but the run budget \$1\.0000 leaves \$0\.1000/);
  });

  it('counts what parallel attempts reserved, but not the task\'s own reservation', () => {
    const guard = new BudgetGuard(() => run(1), { agentUsd: () => undefined });
    guard.reserve('P/T1', 'a', 0.8);
    assert.equal(guard.allowance('P/T2', 'a', 0.3).ok, false);
    assert.equal(guard.allowance('P/T1', 'a', 0.3).ok, true);
    guard.release('P/T1');
    assert.equal(guard.allowance('P/T2', 'a', 0.3).ok, true);
  });

  it('enforces an agent\'s budget over all its attempts and a per-task cap', () => {
    const state = run(undefined, [['P/T1', 'cheap', 0.3], ['P/T1', 'other', 0.3], ['P/T2', 'other', 0.5]]);
    const caps: Record<string, number> = { 'P/T1': 0.7, 'P/T2': 0.5 };
    const guard = new BudgetGuard(() => state, { agentUsd: (a) => (a === 'cheap' ? 0.35 : undefined), taskUsd: (t) => caps[t] });
    const agent = guard.allowance('P/T3', 'cheap', 0.1);
    assert.match(!agent.ok ? agent.reason : '', /agent cheap's budget \$0\.3500 leaves \$0\.0500/);
    assert.equal(!agent.ok && agent.scope, 'run');
    // A task cap is a ceiling, not a forecast: the attempt runs, capped at what the cap leaves.
    const capped = guard.allowance('P/T1', 'other', 0.2);
    assert.ok(capped.ok && capped.byTask === true && Math.abs(capped.capUsd! - 0.1) < 1e-9, JSON.stringify(capped));
    assert.deepEqual(guard.allowance('P/T1', 'other', 0.01), { ok: true, capUsd: 0.01 * CAP_HEADROOM });
    const spent = guard.allowance('P/T2', 'other', 0.01);
    assert.deepEqual(spent, { ok: false, scope: 'task', reason: 'P/T2 has spent its task cap $0.5000 ($0.5000 spent)' });
  });
});
