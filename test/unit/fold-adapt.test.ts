import { strict as assert } from 'node:assert';
import { roadmapWith, sequenced, task } from '../support/builders';
import { foldEvents } from '../../src/protocol/fold';
import { ADAPTATIONS_KEPT } from '../../src/protocol/fold-adapt';

describe('foldAdapt', () => {
  const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'P', tasks: [task('P', 'T1')] } }]);
  const start = [{ type: 'run.started', roadmapFile: 'x', milestones: [] }, { type: 'plan.loaded', roadmap }] as const;

  it('keeps the newest adaptations, bounded', () => {
    const many = Array.from({ length: ADAPTATIONS_KEPT + 5 }, (_, i) => ({ type: 'run.adapted' as const, kind: 'parallelism' as const, from: String(i + 1), to: String(i), reason: `r${i}` }));
    const s = foldEvents(sequenced('r', [...start, ...many]))!;
    assert.equal(s.adaptations?.length, ADAPTATIONS_KEPT);
    assert.deepEqual([s.adaptations?.[0]?.reason, s.adaptations?.at(-1)?.reason], ['r5', `r${ADAPTATIONS_KEPT + 4}`]);
  });

  it('gives a task taken over by a teammate to that teammate', () => {
    const s = foldEvents(sequenced('r', [...start, { type: 'run.adapted', kind: 'load-spread', taskId: 'P/T1', from: 'backend-engineer', to: 'frontend-engineer', reason: 'busy' }]))!;
    assert.equal(s.tasks['P/T1']?.agent, 'frontend-engineer');
    assert.deepEqual(s.adaptations?.map((a) => [a.kind, a.taskId, a.from, a.to, a.reason]), [['load-spread', 'P/T1', 'backend-engineer', 'frontend-engineer', 'busy']]);
  });
});
