import { strict as assert } from 'node:assert';
import { reviewEntries, reviewTitle } from '../../../src/orchestrator/results/review-entries';
import type { ChangeSet } from '../../../src/orchestrator/results/run-diff';

describe('results: review entries for the editor\'s multi-file diff', () => {
  const changes: ChangeSet = {
    runId: 'r1',
    branch: 'orch/r1/integration',
    base: 'b'.repeat(40),
    head: 'h'.repeat(40),
    files: [
      { path: 'new.txt', status: 'added', additions: 1, deletions: 0 },
      { path: 'src/old.js', status: 'modified', additions: 2, deletions: 1 },
      { path: 'gone.md', status: 'deleted', additions: 0, deletions: 3 },
    ],
  };

  it('gives an added file no left side and a deleted file no right side', () => {
    assert.deepEqual(reviewEntries(changes), [
      { path: 'new.txt', right: changes.head },
      { path: 'src/old.js', left: changes.base, right: changes.head },
      { path: 'gone.md', left: changes.base },
    ]);
  });

  it('titles a run\'s review by the run and a task\'s by the task', () => {
    assert.equal(reviewTitle(changes), 'Orch: run r1');
    assert.equal(reviewTitle({ ...changes, taskId: 'PRD-1/T2' }), 'Orch: PRD-1/T2');
  });
});
