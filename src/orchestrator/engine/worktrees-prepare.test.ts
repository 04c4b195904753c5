import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { hasOtherRunBranches, hasWorktreeRecords } from './worktrees-prepare';

describe('a run start\'s look at git\'s files', () => {
  const tmp = useTempDir();

  it('finds worktree records only where git keeps some', async () => {
    assert.equal(await hasWorktreeRecords(tmp.path), false, 'no worktrees folder');
    mkdirSync(join(tmp.path, 'worktrees'));
    assert.equal(await hasWorktreeRecords(tmp.path), false, 'an empty one');
    mkdirSync(join(tmp.path, 'worktrees', 'P-T1'));
    assert.equal(await hasWorktreeRecords(tmp.path), true);
  });

  it('finds a run\'s branches besides its integration branch, loose or packed, and cannot tell in a reftable repository', async () => {
    const run = join(tmp.path, 'refs', 'heads', 'orch', 'run1');
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, 'integration'), `${'a'.repeat(40)}\n`);
    assert.equal(await hasOtherRunBranches(tmp.path, 'run1'), false);
    writeFileSync(join(tmp.path, 'packed-refs'), `# pack-refs with: peeled fully-peeled sorted\n${'b'.repeat(40)} refs/heads/orch/run2/P-T1\n`);
    assert.equal(await hasOtherRunBranches(tmp.path, 'run1'), false, 'another run\'s branch is not this run\'s');
    writeFileSync(join(tmp.path, 'packed-refs'), `${'b'.repeat(40)} refs/heads/orch/run1/P-T1\n`);
    assert.equal(await hasOtherRunBranches(tmp.path, 'run1'), true, 'packed');
    writeFileSync(join(tmp.path, 'packed-refs'), '');
    writeFileSync(join(run, 'P-T2'), `${'c'.repeat(40)}\n`);
    assert.equal(await hasOtherRunBranches(tmp.path, 'run1'), true, 'loose');
    mkdirSync(join(tmp.path, 'reftable'));
    assert.equal(await hasOtherRunBranches(tmp.path, 'run2'), true);
  });
});
