import { strict as assert } from 'node:assert';
import type { TaskSetup } from '../../protocol/run-snapshot';
import { worktreeSetupNote } from './setup-note';

const base: TaskSetup = { command: 'npm ci', outcome: 'succeeded', durationMs: 10, evidencePath: '/e/PRD-1-T1-setup.log', included: 0, at: '2026-01-01T00:00:00Z' };

describe('worktreeSetupNote', () => {
  it('tells the agent what is already in its worktree', () => {
    assert.equal(worktreeSetupNote(base), 'The setup command `npm ci` already ran in this worktree.');
    assert.equal(worktreeSetupNote({ ...base, outcome: 'reused' }), 'The dependencies `npm ci` installs are already in this worktree (copied from an identical install).');
    assert.equal(
      worktreeSetupNote({ ...base, command: undefined, included: 2 }),
      '2 gitignored path(s) named in .worktreeinclude (such as .env) were copied in from the main workspace.',
    );
  });

  it('says nothing when nothing was set up, or the setup did not succeed', () => {
    assert.equal(worktreeSetupNote(undefined), undefined);
    assert.equal(worktreeSetupNote({ ...base, outcome: 'failed', included: 1 }), undefined);
    assert.equal(worktreeSetupNote({ ...base, outcome: 'cancelled' }), undefined);
  });
});
