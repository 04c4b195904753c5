import { strict as assert } from 'node:assert';
import { roadmapWith, sequenced, task } from '../../../test/support/builders';
import { foldEvents } from '../../protocol/fold';
import type { NewEvent } from '../../protocol/events';
import { defaultConfig } from '../config/orch-config';
import { ModelCatalog } from '../router/model-catalog';
import { estimatePlan, plannedTasks } from './estimate-plan';
import { liveForecast } from './live-forecast';

const roadmap = roadmapWith([
  { milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2', { depends: ['T1'] }), task('PRD-1', 'T3', { phase: 'qa' })] } },
  { milestone: '0.2', prd: { id: 'PRD-2', tasks: [task('PRD-2', 'T1')] } },
]);
const catalog = ModelCatalog.build(defaultConfig.models);
const input = { roadmap, catalog, phases: defaultConfig.phases };

describe('plan estimates and the live forecast (pure)', () => {
  it('waits on dependencies and, inside a PRD, on earlier phases; rolls up per PRD, milestone and run', () => {
    const tasks = plannedTasks(input);
    assert.deepEqual(tasks.map((t) => [t.features.taskId, [...t.after].sort()]), [
      ['PRD-1/T1', []],
      ['PRD-1/T2', ['PRD-1/T1']],
      ['PRD-1/T3', ['PRD-1/T1', 'PRD-1/T2']],
      ['PRD-2/T1', []],
    ]);
    const e = estimatePlan(input, [], 4);
    assert.equal(e.basis, 'defaults');
    assert.deepEqual([e.prds.map((p) => p.id), e.milestones.map((m) => m.id)], [['PRD-1', 'PRD-2'], ['0.1', '0.2']]);
    // Three tasks one after another take longer than the one task of PRD-2, and the run as long as its longest PRD.
    assert.ok(e.prds[0]!.wallMs.p50 > 2 * e.prds[1]!.wallMs.p50);
    assert.ok(Math.abs(e.run.wallMs.p50 - e.prds[0]!.wallMs.p50) / e.run.wallMs.p50 < 0.2, JSON.stringify(e.run));
    assert.ok(e.run.costUsd.p50 > e.prds[0]!.costUsd.p50);
  });

  it('says a roadmap with no tasks rests on no history, and why', () => {
    const e = estimatePlan({ ...input, roadmap: roadmapWith([]) }, [], 4);
    assert.deepEqual([e.basis, e.tasks.length, e.note], ['defaults', 0, 'no tasks to estimate: the roadmap has no PRD with tasks yet']);
  });

  it('counts down as tasks finish, and lists a task sent back as at risk, saying why', () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const bodies: NewEvent[] = [
      { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
      { type: 'plan.loaded', roadmap },
      { type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'dev', model: 'sonnet', prompt: 'p' },
      { type: 'attempt.finished', attemptId: 'PRD-1/T1#1', outcome: 'succeeded', costUsd: 0.2, costSource: 'reported', inputTokens: 10, outputTokens: 5, durationMs: 60_000 },
      { type: 'task.verified', taskId: 'PRD-1/T1', checks: [], basis: 'checks' },
      { type: 'attempt.started', taskId: 'PRD-2/T1', attemptId: 'PRD-2/T1#1', agent: 'dev', model: 'sonnet', prompt: 'p' },
      { type: 'attempt.finished', attemptId: 'PRD-2/T1#1', outcome: 'succeeded', costUsd: 0.1, costSource: 'reported', inputTokens: 10, outputTokens: 5, durationMs: 60_000 },
      { type: 'defect.raised', taskId: 'PRD-2/T1', attemptId: 'PRD-2/T1#1', reason: '1 of 1 checks failed', checks: [{ check: 'file x', passed: false, detail: 'missing' }] },
    ];
    const events = sequenced('r', bodies).map((e, i) => ({ ...e, at: new Date(t0 + i * 60_000).toISOString() }));
    const state = foldEvents(events)!;
    const tasks = plannedTasks(input);
    const f = liveForecast(tasks, state, [], catalog, 4, new Date(t0 + 10 * 60_000));
    assert.equal(f.tasksLeft, 3);
    assert.equal(f.basis, 'history', 'the finished task of this run informs the others');
    assert.deepEqual(f.atRisk.map((r) => [r.taskId, r.risk]), [['PRD-2/T1', 1]]);
    assert.match(f.atRisk[0]!.why, /^1 defect so far; /);
    assert.ok(f.etaMs.lo <= f.etaMs.p50 && f.etaMs.p50 <= f.etaMs.hi && f.etaMs.p50 > 0);
  });
});
