import { strict as assert } from 'node:assert';
import type { TaskState } from '../../protocol/domain';
import { foldEvents } from '../../protocol/fold';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { roadmapWith, sequenced, task } from '../../../test/support/builders';
import { criticalPathLengths, schedule } from './scheduler';

const phases = ['requirements', 'implementation', 'qa'];

function run(states: Readonly<Record<string, TaskState>> = {}): RunSnapshot {
  const roadmap = roadmapWith([
    {
      milestone: '0.1',
      prd: {
        id: 'P',
        tasks: [
          task('P', 'R1', { phase: 'requirements' }),
          task('P', 'I1', { phase: 'implementation' }),
          task('P', 'I2', { phase: 'implementation', depends: ['I1'] }),
          task('P', 'I3', { phase: 'implementation' }),
          task('P', 'Q1', { phase: 'qa' }),
        ],
      },
    },
    { milestone: '0.2', prd: { id: 'O', tasks: [task('O', 'I1', { phase: 'implementation' })] } },
  ]);
  const base = foldEvents(sequenced('r', [{ type: 'run.started', roadmapFile: 'x', milestones: [] }, { type: 'plan.loaded', roadmap }]))!;
  const tasks = { ...base.tasks };
  for (const [id, state] of Object.entries(states)) tasks[id] = { ...tasks[id]!, state };
  return { ...base, tasks };
}

const ids = (d: ReturnType<typeof schedule>) => d.ready.map((t) => t.id);

describe('schedule', () => {
  it('opens a PRD phase only when every earlier-phase task of that PRD is verified; PRDs are independent', () => {
    assert.deepEqual(ids(schedule(run(), phases)), ['P/R1', 'O/I1']);
    assert.deepEqual(ids(schedule(run({ 'P/R1': 'running' }), phases)), ['O/I1']);
  });

  it('runs a phase in parallel as depends allow, longest chain first', () => {
    assert.deepEqual(ids(schedule(run({ 'P/R1': 'verified' }), phases)), ['P/I1', 'P/I3', 'O/I1']);
    assert.deepEqual(ids(schedule(run({ 'P/R1': 'verified', 'P/I1': 'verified' }), phases)), ['P/I2', 'P/I3', 'O/I1']);
  });

  it('blocks dependents of a failed task and the later phases behind it', () => {
    const decision = schedule(run({ 'P/R1': 'verified', 'P/I1': 'blocked' }), phases);
    assert.deepEqual(
      decision.blocked.map((b) => [b.task.id, b.reason]),
      [
        ['P/I2', 'dependency P/I1 is blocked'],
        ['P/Q1', 'phase gate: P/I1 (implementation) is blocked'],
      ],
    );
    assert.deepEqual(ids(decision), ['P/I3', 'O/I1']);
  });

  it('measures the critical path through dependents', () => {
    const lengths = criticalPathLengths(Object.values(run().tasks));
    assert.equal(lengths.get('P/I1'), 2);
    assert.equal(lengths.get('P/I2'), 1);
  });
});
