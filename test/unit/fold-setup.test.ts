import { strict as assert } from 'node:assert';
import { roadmapWith, sequenced, task } from '../support/builders';
import { foldEvents } from '../../src/protocol/fold';

const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1')] } }]);

describe('foldEvent: task.setup.finished', () => {
  it('keeps the latest setup of a task on its snapshot, with the time it ended', () => {
    const state = foldEvents(
      sequenced('r', [
        { type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] },
        { type: 'plan.loaded', roadmap },
        { type: 'task.setup.finished', taskId: 'PRD-1/T1', command: 'npm ci', outcome: 'failed', durationMs: 900, evidencePath: 'e/PRD-1-T1-setup.log', included: 1, detail: 'exit 1' },
        { type: 'task.blocked', taskId: 'PRD-1/T1', reason: 'worktree setup `npm ci` failed (exit 1)' },
        { type: 'task.requeued', taskId: 'PRD-1/T1', reason: 'resume' },
        { type: 'task.setup.finished', taskId: 'PRD-1/T1', command: 'npm ci', outcome: 'reused', durationMs: 120, evidencePath: 'e/PRD-1-T1-setup.log', included: 1 },
      ]),
    );
    const t = state?.tasks['PRD-1/T1'];
    assert.equal(t?.state, 'pending');
    assert.deepEqual({ ...t?.setup, at: undefined }, { command: 'npm ci', outcome: 'reused', durationMs: 120, evidencePath: 'e/PRD-1-T1-setup.log', included: 1, detail: undefined, at: undefined });
    assert.equal(typeof t?.setup?.at, 'string');
  });
});
