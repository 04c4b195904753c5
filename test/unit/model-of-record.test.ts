import { strict as assert } from 'node:assert';
import { roadmapWith, sequenced, task } from '../support/builders';
import { budgetLines, budgetSummary } from '../../src/protocol/budget-summary';
import { costBreakdown } from '../../src/protocol/cost-breakdown';
import type { NewEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import { describeTaskModel, taskModels } from '../../src/protocol/model-of-record';
import { runTree } from '../../src/extension/model/run-tree';
import type { TreeNode } from '../../src/extension/model/tree-node';

const roadmap = roadmapWith([{ milestone: '1.1', prd: { id: 'P', tasks: [task('P', 'T1'), task('P', 'T2')] } }]);
const fin = (attemptId: string, extra: Partial<Extract<NewEvent, { type: 'attempt.finished' }>> = {}): NewEvent => ({ type: 'attempt.finished', attemptId, outcome: 'succeeded', costUsd: 0.2, costSource: 'reported', inputTokens: 0, outputTokens: 0, durationMs: 1, ...extra });

function state(events: readonly NewEvent[], budgetUsd?: number) {
  return foldEvents(sequenced('r', [{ type: 'run.started', roadmapFile: 'r.md', milestones: [], ...(budgetUsd === undefined ? {} : { budgetUsd }) }, { type: 'plan.loaded', roadmap }, ...events]))!;
}

describe('the model of record', () => {
  it('names the fallback that did the work, the pin as asked for, and why the pin was left', () => {
    const s = state([
      { type: 'model.routed', taskId: 'P/T1', model: 'opus', source: 'pin', complexity: 0.5, reasons: [], alternatives: [] },
      { type: 'attempt.started', taskId: 'P/T1', attemptId: 'P/T1#1', agent: 'dev', model: 'opus', prompt: 'p' },
      { type: 'model.fellBack', taskId: 'P/T1', attemptId: 'P/T1#1', from: 'opus', to: 'sonnet', reason: 'the model API is overloaded (529)', costUsdBefore: 0 },
      fin('P/T1#1', { modelUsed: 'claude-sonnet-5', modelOfRecord: 'sonnet' }),
      { type: 'task.verified', taskId: 'P/T1', checks: [], basis: 'b' },
    ]);
    const m = taskModels(s, s.tasks['P/T1']!);
    assert.deepEqual(m, { model: 'sonnet', askedFor: 'opus', tried: [{ model: 'opus', attemptId: 'P/T1#1', reason: 'the model API is overloaded (529)' }] });
    assert.equal(describeTaskModel(m), 'sonnet (asked for opus; left opus: the model API is overloaded (529))');
    const byModel = costBreakdown(s).byModel;
    assert.deepEqual([byModel.opus?.totalUsd, byModel.sonnet?.totalUsd], [0, 0.2]);
    const find = (nodes: readonly TreeNode[], id: string): TreeNode | undefined => nodes.map((n) => (n.id === id ? n : find(n.children, id))).find((n) => n !== undefined);
    const row = find(runTree(s), 'task:P/T1');
    assert.match(row?.description ?? '', /sonnet \(asked for opus\)/);
    assert.match(row?.tooltip ?? '', /Model: sonnet \(asked for opus; left opus: the model API is overloaded \(529\)\)/);
    assert.match(find(runTree(s), 'attempt:P/T1#1')?.description ?? '', /succeeded · sonnet · /);
  });

  it('believes the stream over the request, and lists a model an earlier attempt left', () => {
    const s = state([
      { type: 'model.routed', taskId: 'P/T1', model: 'haiku', source: 'router', complexity: 0.5, reasons: [], alternatives: [] },
      { type: 'attempt.started', taskId: 'P/T1', attemptId: 'P/T1#1', agent: 'dev', model: 'haiku', prompt: 'p' },
      fin('P/T1#1', { outcome: 'failed', failure: 'crashed', message: 'the claude CLI exited with code 1' }),
      { type: 'attempt.started', taskId: 'P/T1', attemptId: 'P/T1#2', agent: 'dev', model: 'sonnet', prompt: 'p' },
      fin('P/T1#2', { modelUsed: 'claude-opus-4-8', modelOfRecord: 'claude-opus-4-8' }),
    ]);
    const m = taskModels(s, s.tasks['P/T1']!);
    assert.equal(m.model, 'claude-opus-4-8');
    assert.equal(m.askedFor, 'haiku');
    assert.deepEqual(m.tried.map((t) => [t.model, t.attemptId]), [['haiku', 'P/T1#1'], ['sonnet', 'P/T1#2']]);
    assert.match(m.tried[0]!.reason, /exited with code 1/);
    assert.match(m.tried[1]!.reason, /the stream shows claude-opus-4-8 answered/);
    assert.deepEqual(Object.keys(costBreakdown(s).byModel).sort(), ['claude-opus-4-8', 'haiku']);
  });

  it('is the asked-for model alone before any attempt', () => {
    const s = state([{ type: 'model.routed', taskId: 'P/T2', model: 'sonnet', source: 'router', complexity: 0.5, reasons: [], alternatives: [] }]);
    assert.equal(describeTaskModel(taskModels(s, s.tasks['P/T2']!)), 'sonnet');
  });
});

describe('the budget summary', () => {
  const spent = (usd: number, paused: boolean): NewEvent[] => [
    { type: 'attempt.started', taskId: 'P/T1', attemptId: 'P/T1#1', agent: 'dev', model: 'sonnet', prompt: 'p' },
    fin('P/T1#1', { costUsd: usd }),
    ...(paused ? [{ type: 'run.paused', reason: 'budget', message: 'the budget cannot cover the next attempt' } as const] : []),
  ];

  it('reports the overshoot in dollars and percent, and the exact command to continue a budget pause', () => {
    const s = budgetSummary(state(spent(0.53, true), 0.5));
    assert.ok(Math.abs(s.overshootUsd - 0.03) < 1e-9 && Math.abs(s.overshootPct - 6) < 1e-9);
    assert.equal(s.continueWith, 'orch resume r --budget 1.03');
    assert.deepEqual(budgetLines(s), ['budget $0.50, spent $0.53: over by $0.03 (6.0%)', 'paused for budget; continue with: orch resume r --budget 1.03']);
  });

  it('says what is left under the budget, and nothing without one', () => {
    const under = budgetSummary(state(spent(0.2, false), 0.5));
    assert.equal(under.overshootUsd, 0);
    assert.equal(under.continueWith, null);
    assert.deepEqual(budgetLines(under), ['budget $0.50, spent $0.20, $0.30 left']);
    assert.deepEqual(budgetLines(budgetSummary(state(spent(0.2, false)))), []);
  });

  it('prints a budget under a cent, and the spend against it, to four decimals, never as $0.00', () => {
    assert.deepEqual(budgetLines(budgetSummary(state([], 0.004))), ['budget $0.0040, spent $0.00, $0.0040 left']);
    assert.deepEqual(budgetLines(budgetSummary(state(spent(0.0012, false), 0.004))), ['budget $0.0040, spent $0.0012, $0.0028 left']);
    assert.equal(budgetLines(budgetSummary(state(spent(0.0051, true), 0.004)))[0], 'budget $0.0040, spent $0.0051: over by $0.0011 (27.5%)');
  });
});
