import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { useTempDir } from '../../../test/support/temp-dir';
import { workspacePaths } from '../workspace/workspace-paths';
import { git, gitOk } from './git';
import { Worktrees } from './worktrees';

describe('Worktrees without an integration checkout, ahead of and after need', () => {
  const tmp = useTempDir();

  async function repo(runId = 'run1'): Promise<{ root: string; w: Worktrees }> {
    const root = join(tmp.path, 'ws');
    if (!existsSync(root)) {
      mkdirSync(root);
      await gitOk(root, ['init', '-q', '-b', 'main']);
      writeFileSync(join(root, 'README.md'), 'hello\n');
      await gitOk(root, ['add', '-A']);
      await gitOk(root, ['commit', '-q', '-m', 'init']);
    }
    const w = new Worktrees(workspacePaths(root), runId);
    await w.prepare();
    return { root, w };
  }

  it('moves the integration branch by a merge commit with both parents, never checking it out', async () => {
    const { root, w } = await repo();
    const dir = await w.forTask('P/T1');
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    await w.commitTask('P/T1', 'T1');
    const before = (await gitOk(root, ['rev-parse', w.integrationBranch])).trim();
    const tip = (await gitOk(root, ['rev-parse', w.taskBranch('P/T1')])).trim();
    assert.equal((await w.merge('P/T1', 'orch: merge P/T1 (One)')).merged, true);
    const [subject, parents] = (await gitOk(root, ['log', '-1', '--format=%s%n%P', w.integrationBranch])).trim().split('\n');
    assert.equal(subject, 'orch: merge P/T1 (One)');
    assert.equal(parents, `${before} ${tip}`);
    assert.equal(existsSync(w.integrationDir), false);
    assert.equal((await gitOk(root, ['worktree', 'list'])).includes('integration'), false);
    assert.equal(await gitOk(root, ['status', '--porcelain']), '', "the user's checkout is untouched");
  });

  it('runs a step between worktree changes, never while one is being added (a remote attempt\'s fetch)', async () => {
    const { w } = await repo();
    const dir = w.taskDir('P/T9');
    const adding = w.obtain('P/T9');
    const seen = await w.betweenChanges(() => Promise.resolve({ made: existsSync(join(dir, '.git')), halfMade: existsSync(`${dir}.adding`) }));
    assert.deepEqual(seen, { made: true, halfMade: false });
    assert.equal((await adding).created, true);
  });

  it('merges a branch the integration branch already holds as a no-op, as a resume after a cut merge does', async () => {
    const { root, w } = await repo();
    const dir = await w.forTask('P/T1');
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    await w.commitTask('P/T1', 'T1');
    await w.merge('P/T1', 'orch: merge P/T1 (One)');
    const after = (await gitOk(root, ['rev-parse', w.integrationBranch])).trim();
    const again = await new Worktrees(workspacePaths(root), 'run1').merge('P/T1', 'orch: merge P/T1 (One)');
    assert.equal(again.merged, true);
    assert.equal((await gitOk(root, ['rev-parse', w.integrationBranch])).trim(), after, 'no second merge commit');
    assert.deepEqual(await w.changedLines('P/T1'), [{ file: 'a.txt', added: 1, removed: 0 }]);
  });

  it('takes in merges made by another process meanwhile, never dropping them', async () => {
    const { root, w } = await repo();
    const other = new Worktrees(workspacePaths(root), 'run1');
    for (const [task, file] of [['P/T1', 'a.txt'], ['P/T2', 'b.txt']] as const) {
      writeFileSync(join(await w.forTask(task), file), `${file}\n`);
      await w.commitTask(task, task);
    }
    const [one, two] = await Promise.all([w.merge('P/T1', 'm1'), other.merge('P/T2', 'm2')]);
    assert.equal(one.merged && two.merged, true);
    const files = (await gitOk(root, ['ls-tree', '--name-only', w.integrationBranch])).split('\n');
    assert.ok(files.includes('a.txt') && files.includes('b.txt'), files.join(','));
  });

  it('prefetches a worktree that obtain then finds made, and removes unused prefetches when drained', async () => {
    const { root, w } = await repo();
    void w.prefetch('P/T1');
    void w.prefetch('P/T2');
    // Made with nobody waiting for it: the folder appears before anyone obtains it.
    for (let waited = 0; !existsSync(w.taskDir('P/T2')) && waited < 30_000; waited += 50) await sleep(50);
    assert.equal(existsSync(w.taskDir('P/T1')) && existsSync(w.taskDir('P/T2')), true, 'both prefetched');
    const got = await w.obtain('P/T1');
    assert.equal(got.created, true, 'the prefetched worktree is new: its setup still runs');
    assert.equal(readFileSync(join(got.dir, 'README.md'), 'utf8'), 'hello\n');
    assert.deepEqual(await w.drain(), []);
    assert.equal(existsSync(w.taskDir('P/T2')), false, 'a prefetch no task used is removed');
    assert.equal((await git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${w.taskBranch('P/T2')}`])).code, 1);
    assert.equal(existsSync(got.dir), true, 'the worktree in use stays');
  });

  it('removes finished worktrees in the background, committing what was left in one first', async () => {
    const { root, w } = await repo();
    const dir = await w.forTask('P/T1');
    writeFileSync(join(dir, 'late.txt'), 'left by a check\n');
    w.cleanupInBackground('P/T1');
    assert.deepEqual(await w.drain(), []);
    assert.equal(existsSync(dir), false);
    assert.equal(await gitOk(root, ['show', `${w.taskBranch('P/T1')}:late.txt`]), 'left by a check\n');
  });

  it('re-adds a worktree whose checkout a kill cut short, from its branch', async () => {
    const { root, w } = await repo();
    const dir = await w.forTask('P/T1');
    // As a kill -9 inside `git worktree add` leaves it: the marker, a partial checkout.
    writeFileSync(`${dir}.adding`, 'run1\n');
    rmSync(join(dir, 'README.md'));
    const again = await new Worktrees(workspacePaths(root), 'run1').obtain('P/T1');
    assert.equal(again.created, true);
    assert.equal(readFileSync(join(again.dir, 'README.md'), 'utf8'), 'hello\n');
    assert.equal(existsSync(`${dir}.adding`), false);
    assert.equal(await gitOk(again.dir, ['status', '--porcelain']), '');
  });

  it('removes the integration checkout an earlier version left, keeping its branch', async () => {
    const root = join(tmp.path, 'ws');
    const { w } = await repo();
    await gitOk(root, ['worktree', 'add', w.integrationDir, w.integrationBranch]);
    writeFileSync(join(w.integrationDir, 'half-merged.txt'), 'x\n');
    await new Worktrees(workspacePaths(root), 'run1').prepare();
    assert.equal(existsSync(w.integrationDir), false);
    assert.equal((await git(root, ['rev-parse', '--verify', w.integrationBranch])).code, 0);
  });
});
