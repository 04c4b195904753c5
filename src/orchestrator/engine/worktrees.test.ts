import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { preparedWorktrees } from '../../../test/support/worktrees-repo';
import { workspacePaths } from '../workspace/workspace-paths';
import { gitOk } from './git';
import { Worktrees, taskSlug } from './worktrees';

describe('Worktrees', () => {
  const tmp = useTempDir();

  async function repo(): Promise<Worktrees> {
    return (await preparedWorktrees(tmp.path)).w;
  }

  it('gives each task its own worktree and branch, and merges both when they touch different files', async () => {
    const w = await repo();
    const a = await w.forTask('P/T1');
    const b = await w.forTask('P/T2');
    assert.equal(a, join(tmp.path, 'ws', '.orch', 'worktrees', 'P-T1'));
    writeFileSync(join(a, 'a.txt'), 'from T1\n');
    writeFileSync(join(b, 'b.txt'), 'from T2\n');
    assert.deepEqual(await w.commitTask('P/T1', 'T1'), ['a.txt']);
    assert.deepEqual(await w.commitTask('P/T2', 'T2'), ['b.txt']);
    assert.equal((await w.merge('P/T1', 'merge T1')).merged, true);
    assert.equal((await w.merge('P/T2', 'merge T2')).merged, true);
    assert.equal(await gitOk(join(tmp.path, 'ws'), ['show', `${w.integrationBranch}:a.txt`]), 'from T1\n');
    assert.equal(await gitOk(join(tmp.path, 'ws'), ['show', `${w.integrationBranch}:b.txt`]), 'from T2\n');
    assert.deepEqual(await w.cleanupTask('P/T1'), { branchKept: false });
    assert.equal(existsSync(a), false);
    const branches = await gitOk(join(tmp.path, 'ws'), ['branch', '--list', 'orch/*']);
    assert.doesNotMatch(branches, /P-T1/);
    assert.match(branches, /orch\/run1\/P-T2/);
  });

  it('reports a conflict with the conflicting file and leaves the integration branch clean', async () => {
    const w = await repo();
    for (const [task, text] of [['P/T1', 'one\n'], ['P/T2', 'two\n']] as const) {
      const dir = await w.forTask(task);
      writeFileSync(join(dir, 'README.md'), text);
      await w.commitTask(task, task);
    }
    assert.equal((await w.merge('P/T1', 'm1')).merged, true);
    const second = await w.merge('P/T2', 'm2');
    assert.equal(second.merged, false);
    assert.deepEqual(second.conflicts, ['README.md']);
    assert.deepEqual(second.conflicts, ['README.md']);
    assert.match(second.detail, /CONFLICT \(content\): Merge conflict in README\.md/);
    assert.equal(await gitOk(join(tmp.path, 'ws'), ['show', `${w.integrationBranch}:README.md`]), 'one\n');
    assert.equal(await gitOk(join(tmp.path, 'ws'), ['log', '-1', '--format=%s', w.integrationBranch]), 'm1\n', 'no half-made merge on the branch');
  });

  it('keeps unmerged work on its branch when a task is cleaned up', async () => {
    const w = await repo();
    const dir = await w.forTask('P/T9');
    writeFileSync(join(dir, 'draft.txt'), 'unfinished\n');
    assert.deepEqual(await w.cleanupTask('P/T9'), { branchKept: true });
    assert.equal(existsSync(dir), false);
    assert.equal(await gitOk(join(tmp.path, 'ws'), ['show', `${w.taskBranch('P/T9')}:draft.txt`]), 'unfinished\n');
  });

  it('keeps run-time files out of git status', async () => {
    const w = await repo();
    await w.forTask('P/T1');
    assert.equal(await gitOk(join(tmp.path, 'ws'), ['status', '--porcelain']), '');
    assert.equal(taskSlug('PRD-3/T2'), 'PRD-3-T2');
  });

  it('gives a second run its own worktrees where an earlier run left the same task folders, keeping that work', async () => {
    const first = await repo();
    const dir = await first.forTask('P/T1');
    writeFileSync(join(dir, 'left.txt'), 'unfinished\n');
    const second = new Worktrees(workspacePaths(join(tmp.path, 'ws')), 'run2');
    await second.prepare();
    assert.equal((await gitOk(join(tmp.path, 'ws'), ['rev-parse', '--verify', 'orch/run2/integration'])).trim(), (await gitOk(join(tmp.path, 'ws'), ['rev-parse', 'main'])).trim());
    const again = await second.forTask('P/T1');
    assert.equal(again, dir);
    assert.equal((await gitOk(again, ['symbolic-ref', '--short', 'HEAD'])).trim(), 'orch/run2/P-T1');
    assert.equal(existsSync(join(again, 'left.txt')), false);
    assert.equal(await gitOk(join(tmp.path, 'ws'), ['show', 'orch/run1/P-T1:left.txt']), 'unfinished\n');
    writeFileSync(join(again, 'new.txt'), 'run 2\n');
    await second.commitTask('P/T1', 'T1');
    assert.equal((await second.merge('P/T1', 'merge')).merged, true);
  });

  it('says whether a task worktree is new, and never commits what Orch put in it', async () => {
    const w = await repo();
    assert.equal((await w.obtain('P/T1')).created, true);
    const { dir, created } = await w.obtain('P/T1');
    assert.equal(created, false, 'found again, as on resume');
    mkdirSync(join(dir, 'deps'));
    writeFileSync(join(dir, 'deps', 'lib.js'), 'installed\n');
    writeFileSync(join(dir, '.env'), 'SECRET=1\n');
    writeFileSync(join(dir, 'README.md'), 'tracked, changed by Orch\n');
    await w.keepOutOfCommits('P/T1', ['deps', '.env', 'README.md']);
    writeFileSync(join(dir, 'work.txt'), 'the agent\n');
    assert.deepEqual(await w.commitTask('P/T1', 'T1'), ['work.txt']);
    assert.equal(readFileSync(join(dir, '.env'), 'utf8'), 'SECRET=1\n', 'the copy stays in the worktree');
    writeFileSync(join(dir, '.env'), 'SECRET=2\n');
    assert.deepEqual(await w.cleanupTask('P/T1'), { branchKept: true }, 'nothing but kept-out files changed: no commit, no error');
    assert.equal((await gitOk(join(tmp.path, 'ws'), ['log', '--format=%s', w.taskBranch('P/T1'), '-1'])).trim(), 'T1');
  });

  it('opens only in a git repository, and gives a repository without a commit one to start from', async () => {
    const plain = join(tmp.path, 'plain');
    mkdirSync(plain);
    assert.equal(await Worktrees.open(workspacePaths(plain), 'run1'), undefined);
    const empty = join(tmp.path, 'empty');
    mkdirSync(empty);
    await gitOk(empty, ['init', '-q', '-b', 'main']);
    const w = await Worktrees.open(workspacePaths(empty), 'run1');
    assert.ok(w !== undefined);
    await w.prepare();
    assert.equal((await gitOk(empty, ['log', '--format=%s', 'orch/run1/integration'])).trim(), 'orch: initial commit');
    const dir = await w.forTask('P/T1');
    writeFileSync(join(dir, 'a.txt'), 'first\n');
    await w.commitTask('P/T1', 'T1');
    assert.equal((await w.merge('P/T1', 'merge T1')).merged, true);
  });

  it('deletes a resumed run\'s merged branches whose worktrees are gone, and keeps the others', async () => {
    const { w, root } = await preparedWorktrees(tmp.path);
    for (const task of ['P/T1', 'P/T2']) {
      writeFileSync(join(await w.forTask(task), `${taskSlug(task)}.txt`), `${task}\n`);
      await w.commitTask(task, task);
    }
    assert.equal((await w.merge('P/T1', 'merge T1')).merged, true);
    // A crash after the merge, before the cleanup: the folder went, the branch stayed.
    await gitOk(root, ['worktree', 'remove', '--force', w.taskDir('P/T1')]);
    const resumed = await Worktrees.open(workspacePaths(root), 'run1');
    await resumed?.prepare();
    const branches = await gitOk(root, ['branch', '--list', 'orch/run1/*']);
    assert.doesNotMatch(branches, /P-T1/, 'merged and without a worktree: deleted');
    assert.match(branches, /orch\/run1\/P-T2/, 'not merged: kept');
  });

  it('checks a big worktree out with a worker per core', async () => {
    const { w, root } = await preparedWorktrees(tmp.path);
    // Over git's threshold of 100 files for a parallel checkout.
    for (let i = 0; i < 150; i++) writeFileSync(join(root, `f${i}.txt`), `${i}\n`);
    await gitOk(root, ['add', '-A']);
    await gitOk(root, ['commit', '-q', '-m', 'many files']);
    await gitOk(root, ['branch', '-f', w.integrationBranch, 'HEAD']);
    const trace = join(tmp.path, 'trace2.json');
    process.env.GIT_TRACE2_EVENT = trace;
    try {
      await w.forTask('P/T1');
    } finally {
      delete process.env.GIT_TRACE2_EVENT;
    }
    assert.match(readFileSync(trace, 'utf8'), /"argv":\["git","checkout--worker"\]/);
  });
});
