import { strict as assert } from 'node:assert';
import { foldEvents } from '../../protocol/fold';
import type { NewEvent } from '../../protocol/events';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { roadmapWith, sequenced, task } from '../../../test/support/builders';
import type { TurnUsage } from '../runner/stream-spend';
import { ModelCatalog } from './model-catalog';
import { SpendWatch } from './spend-watch';
import { BudgetGuard } from './budget-guard';

const roadmap = roadmapWith([{ milestone: '1.1', prd: { id: 'P', tasks: [task('P', 'T1'), task('P', 'T2')] } }]);

function run(budgetUsd: number | undefined, running: readonly string[] = []): RunSnapshot {
  const events: NewEvent[] = [
    { type: 'run.started', roadmapFile: 'r.md', milestones: [], ...(budgetUsd === undefined ? {} : { budgetUsd }) },
    { type: 'plan.loaded', roadmap },
    ...running.map((taskId): NewEvent => ({ type: 'attempt.started', taskId, attemptId: `${taskId}#1`, agent: 'a', model: 'sonnet', prompt: 'p' })),
  ];
  return foldEvents(sequenced('r', events))!;
}

// sonnet: $3 input, $15 output per million tokens; 100,000 input tokens are $0.30.
const turn = (input: number, output: number, wantsTool = false): TurnUsage => ({ inputTokens: input, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: output, wantsTool, ended: false });

describe('SpendWatch', () => {
  const catalog = ModelCatalog.build();
  const noLimits = { agentUsd: () => undefined };

  it('stops a turn whose input alone crosses the run budget, at its start', () => {
    const w = new SpendWatch(() => run(0.5, ['P/T1']), catalog, noLimits);
    const check = w.watcher('P/T1', 'a');
    assert.equal(check({ model: 'sonnet', earlierTriesUsd: 0, turns: [turn(100_000, 0)], moment: 'turn-started' }), undefined);
    const why = check({ model: 'sonnet', earlierTriesUsd: 0.3, turns: [turn(100_000, 0)], moment: 'turn-started' });
    assert.match(why ?? '', /the run budget \$0\.5000 is crossed: this attempt has spent \$0\.6000/);
  });

  it('stops when the next turn the model asked for would cross it: the next input is at least this one', () => {
    const w = new SpendWatch(() => run(0.5, ['P/T1']), catalog, noLimits);
    const check = w.watcher('P/T1', 'a');
    assert.equal(check({ model: 'sonnet', earlierTriesUsd: 0, turns: [turn(100_000, 1000)], moment: 'output' }), undefined);
    assert.match(check({ model: 'sonnet', earlierTriesUsd: 0, turns: [turn(100_000, 1000, true)], moment: 'tool-requested' }) ?? '', /would be crossed by the next turn/);
  });

  it('counts what the other running attempts have streamed, and what their next turns need when admitting more', () => {
    const w = new SpendWatch(() => run(1, ['P/T1', 'P/T2']), catalog, noLimits);
    assert.equal(w.watcher('P/T1', 'a')({ model: 'sonnet', earlierTriesUsd: 0, turns: [turn(100_000, 0, true)], moment: 'tool-requested' }), undefined);
    assert.match(w.watcher('P/T2', 'a')({ model: 'sonnet', earlierTriesUsd: 0, turns: [turn(250_000, 0)], moment: 'turn-started' }) ?? '', /is crossed/);
    const guard = new BudgetGuard(() => run(1, ['P/T1', 'P/T2']), { agentUsd: () => undefined }, (id) => w.of(id));
    guard.reserve('P/T1', 'a', 0.01);
    // T1 has streamed $0.30 and asked for another turn of at least $0.30: $0.40 is left for T2.
    const no = guard.allowance('P/T2', 'a', 0.5);
    assert.ok(!no.ok && /leaves \$0\.4000/.test(no.reason), JSON.stringify(no));
  });

  it('holds an agent budget and a task cap too', () => {
    const agent = new SpendWatch(() => run(undefined, ['P/T1']), catalog, { agentUsd: (a) => (a === 'a' ? 0.2 : undefined) });
    assert.match(agent.watcher('P/T1', 'a')({ model: 'sonnet', earlierTriesUsd: 0, turns: [turn(100_000, 0)], moment: 'turn-started' }) ?? '', /agent a's budget \$0\.2000 is crossed/);
    const task = new SpendWatch(() => run(undefined, ['P/T1']), catalog, { agentUsd: () => undefined, taskUsd: () => 0.1 });
    assert.match(task.watcher('P/T1', 'a')({ model: 'sonnet', earlierTriesUsd: 0, turns: [turn(100_000, 0)], moment: 'turn-started' }) ?? '', /P\/T1's task cap \$0\.1000 is crossed/);
  });

  it('remembers the turns it saw as the least a new attempt will cost', () => {
    const w = new SpendWatch(() => run(undefined, ['P/T1']), catalog, noLimits);
    assert.equal(w.floorUsd('P/T2', 'sonnet'), 0);
    w.watcher('P/T1', 'a')({ model: 'claude-sonnet-5', earlierTriesUsd: 0, turns: [turn(100_000, 500)], moment: 'turn-started' });
    assert.ok(Math.abs(w.floorUsd('P/T2', 'sonnet') - 0.3) < 1e-9);
    w.watcher('P/T1', 'a')({ model: 'sonnet', earlierTriesUsd: 0, turns: [turn(100_000, 500), turn(200_000, 0)], moment: 'turn-started' });
    assert.ok(Math.abs(w.floorUsd('P/T1', 'sonnet') - 0.6) < 1e-9, 'the task\'s own last turn');
    assert.equal(w.floorUsd('P/T2', 'haiku'), 0);
  });

  it('starts a resumed run from the turns its log shows', () => {
    const events: NewEvent[] = [
      { type: 'run.started', roadmapFile: 'r.md', milestones: [], budgetUsd: 1 },
      { type: 'plan.loaded', roadmap },
      { type: 'attempt.started', taskId: 'P/T1', attemptId: 'P/T1#1', agent: 'a', model: 'sonnet', prompt: 'p' },
      { type: 'attempt.activity', attemptId: 'P/T1#1', activity: { kind: 'tool-call', toolUseId: 't1', name: 'Write', input: {} } },
      { type: 'attempt.finished', attemptId: 'P/T1#1', outcome: 'failed', failure: 'budget-exceeded', costUsd: 0.6, costSource: 'estimated', inputTokens: 200_000, outputTokens: 10, durationMs: 1, modelOfRecord: 'sonnet' },
    ];
    const w = new SpendWatch(() => foldEvents(sequenced('r', events))!, catalog, noLimits);
    // Two turns of 100,000 input tokens each at $3 a million.
    assert.ok(Math.abs(w.floorUsd('P/T1', 'sonnet') - 0.3) < 1e-9);
    assert.ok(Math.abs(w.floorUsd('P/T2', 'claude-sonnet-5') - 0.3) < 1e-9);
    assert.equal(w.floorUsd('P/T2', 'haiku'), 0);
  });
});
