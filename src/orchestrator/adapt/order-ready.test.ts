import { strict as assert } from 'node:assert';
import { foldEvents } from '../../protocol/fold';
import type { RunSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import { roadmapWith, sequenced, task } from '../../../test/support/builders';
import { schedule } from '../engine/scheduler';
import { orderByPredictedDuration, predictedCriticalPaths } from './order-ready';

// B has C waiting on it, so the plain order starts B first; A alone is predicted to take longer.
function run(): RunSnapshot {
  const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'P', tasks: [task('P', 'A'), task('P', 'B'), task('P', 'C', { depends: ['B'] })] } }]);
  return foldEvents(sequenced('r', [{ type: 'run.started', roadmapFile: 'x', milestones: [] }, { type: 'plan.loaded', roadmap }]))!;
}

const MIN = 60_000;
const all = (r: RunSnapshot): TaskSnapshot[] => r.taskOrder.map((id) => r.tasks[id]!);
const rank = (): number => 0;

describe('ordering ready work by predicted duration', () => {
  it('weighs the critical path by predicted durations, unknown tasks at the median', () => {
    const paths = predictedCriticalPaths(all(run()), (id) => ({ 'P/A': 10 * MIN, 'P/B': 1 * MIN })[id]);
    // C has no prediction: it counts as the median of A and B's (10 min, the upper middle).
    assert.deepEqual(Object.fromEntries(paths!), { 'P/A': 10 * MIN, 'P/B': 11 * MIN, 'P/C': 10 * MIN });
    assert.equal(predictedCriticalPaths(all(run()), () => undefined), undefined);
  });

  it('starts the longest predicted chain first and says why, against the plain order', () => {
    const r = run();
    const plain = schedule(r, ['implementation']).ready;
    assert.deepEqual(plain.map((t) => t.id), ['P/B', 'P/A']);
    const o = orderByPredictedDuration(plain, all(r), (id) => ({ 'P/A': 30 * MIN, 'P/B': 2 * MIN, 'P/C': 3 * MIN })[id], rank);
    assert.deepEqual(o.ready.map((t) => t.id), ['P/A', 'P/B']);
    assert.deepEqual([o.adaptation?.kind, o.adaptation?.taskId, o.adaptation?.from, o.adaptation?.to], ['order', 'P/A', 'P/B, P/A', 'P/A, P/B']);
    assert.equal(o.adaptation?.reason, 'P/A goes before P/B: its chain is predicted to take longer (1 task(s), 30.0 min against 2 task(s), 5.0 min)');
  });

  it('logs nothing when the predictions agree with the plain order, or there are none', () => {
    const r = run();
    const plain = schedule(r, ['implementation']).ready;
    assert.equal(orderByPredictedDuration(plain, all(r), (id) => ({ 'P/A': MIN, 'P/B': MIN, 'P/C': MIN })[id], rank).adaptation, undefined);
    // A is predicted a little longer than B's chain, within the noise: the plain order stands.
    const close = orderByPredictedDuration(plain, all(r), (id) => ({ 'P/A': 2.1 * MIN, 'P/B': MIN, 'P/C': MIN })[id], rank);
    assert.deepEqual([close.ready.map((t) => t.id), close.adaptation], [['P/B', 'P/A'], undefined]);
    const none = orderByPredictedDuration(plain, all(r), () => undefined, rank);
    assert.deepEqual([none.ready, none.adaptation], [plain, undefined]);
  });
});
