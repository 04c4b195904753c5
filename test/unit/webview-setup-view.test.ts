import { strict as assert } from 'node:assert';
import type { NewEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import { setupView } from '../../webview/src/lib/setup-view';
import { roadmapWith, sequenced, task } from '../support/builders';

const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1')] } }]);

/** The task page's view of PRD-1/T1's setup after these events. */
function viewAfter(...events: NewEvent[]) {
  const setup = foldEvents(sequenced('r', [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }, { type: 'plan.loaded', roadmap }, ...events]))?.tasks['PRD-1/T1']?.setup;
  assert.ok(setup !== undefined, 'the fold keeps the setup');
  return setupView(setup, 'r');
}

describe('webview: a task\'s worktree setup', () => {
  it('a failed command: its exit, the last lines of its output and where the whole output is', () => {
    const view = viewAfter({ type: 'task.setup.finished', taskId: 'PRD-1/T1', command: 'npm ci', outcome: 'failed', durationMs: 12_340, evidencePath: '.orch/runs/r/evidence/PRD-1-T1-setup.log', included: 2, detail: 'exit 1\nnpm ERR! code ERESOLVE\nnpm ERR! could not resolve' });
    assert.deepEqual(view, {
      state: 'failed',
      note: 'the task is blocked until it is retried',
      command: 'npm ci',
      duration: '12.3 s',
      included: '2 paths',
      exit: 'exit 1',
      tail: 'npm ERR! code ERESOLVE\nnpm ERR! could not resolve',
      evidencePath: '.orch/runs/r/evidence/PRD-1-T1-setup.log',
      when: 'when the task was dispatched',
    });
  });

  it('a setup that ran while the task waited for a slot says so', () => {
    const view = viewAfter({ type: 'task.setup.finished', taskId: 'PRD-1/T1', command: 'npm ci', outcome: 'succeeded', durationMs: 2_000, evidencePath: 'e.log', included: 0, ahead: true });
    assert.equal(view.when, 'ahead, while the task waited for a slot');
  });

  it('the latest setup counts: a reuse from the cache after a retry has no exit or tail', () => {
    const view = viewAfter(
      { type: 'task.setup.finished', taskId: 'PRD-1/T1', command: 'npm ci', outcome: 'failed', durationMs: 900, evidencePath: 'e.log', included: 1, detail: 'timed out after 600 s' },
      { type: 'task.setup.finished', taskId: 'PRD-1/T1', command: 'npm ci', outcome: 'reused', durationMs: 120, evidencePath: 'e.log', included: 1 },
    );
    assert.deepEqual([view.state, view.note, view.exit, view.tail, view.duration, view.included], ['succeeded', 'installed dependencies copied from the cache, the command not run', undefined, undefined, '0.1 s', '1 path']);
  });

  it('only .worktreeinclude files copied: no command; a timeout without output has no tail', () => {
    assert.deepEqual(
      [viewAfter({ type: 'task.setup.finished', taskId: 'PRD-1/T1', outcome: 'succeeded', durationMs: 40, evidencePath: 'e.log', included: 3 })].map((v) => [v.command, v.exit, v.included]),
      [[undefined, undefined, '3 paths']],
    );
    const timedOut = viewAfter({ type: 'task.setup.finished', taskId: 'PRD-1/T1', command: 'make deps', outcome: 'failed', durationMs: 600_000, evidencePath: 'e.log', included: 0, detail: 'timed out after 600 s' });
    assert.deepEqual([timedOut.exit, timedOut.tail, timedOut.included, timedOut.duration], ['timed out after 600 s', undefined, 'nothing', '600.0 s']);
  });

  it('names the log inside the workspace, whatever folder the run was written in', () => {
    const view = viewAfter({ type: 'task.setup.finished', taskId: 'PRD-1/T1', command: 'npm ci', outcome: 'succeeded', durationMs: 900, evidencePath: '/old/place/.orch/runs/r/evidence/PRD-1-T1-setup.log', included: 0 });
    assert.equal(view.evidencePath, '.orch/runs/r/evidence/PRD-1-T1-setup.log');
  });
});
