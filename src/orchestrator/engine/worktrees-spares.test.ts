import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { preparedWorktrees } from '../../../test/support/worktrees-repo';
import { workspacePaths } from '../workspace/workspace-paths';
import { git, gitOk } from './git';
import { Worktrees } from './worktrees';

describe('Worktrees: a finished task worktree kept as a spare for the next task', () => {
  const tmp = useTempDir();

  // T1 writes, commits and merges; its worktree is cleaned up with an ignored build output and
  // an untracked leftover in it.
  async function afterOneTask(): Promise<{ root: string; w: Worktrees; firstDir: string; inode: number }> {
    const { root, w } = await preparedWorktrees(tmp.path);
    writeFileSync(join(root, '.gitignore'), 'build/\n');
    await gitOk(root, ['add', '.gitignore']);
    await gitOk(root, ['commit', '-q', '-m', 'ignore build']);
    await gitOk(root, ['branch', '-f', w.integrationBranch, 'main']);
    const firstDir = await w.forTask('P/T1');
    const inode = statSync(firstDir).ino;
    writeFileSync(join(firstDir, 'one.txt'), 'one\n');
    await w.commitTask('P/T1', 'T1');
    assert.equal((await w.merge('P/T1', 'orch: merge P/T1 (One)')).merged, true);
    mkdirSync(join(firstDir, 'build'));
    writeFileSync(join(firstDir, 'build', 'out.js'), 'built\n');
    await w.cleanupTask('P/T1');
    return { root, w, firstDir, inode };
  }

  it('moves the spare to the next task\'s folder on its new branch, with the merged work and nothing left from the last task', async () => {
    const { root, w, firstDir, inode } = await afterOneTask();
    assert.equal(existsSync(firstDir), false, 'the finished task\'s folder is gone');
    const next = await w.obtain('P/T2');
    assert.equal(next.created, true, 'new to its task: its setup runs');
    assert.equal(statSync(next.dir).ino, inode, 'the same folder, moved: no checkout of every file');
    assert.equal((await gitOk(next.dir, ['symbolic-ref', '--short', 'HEAD'])).trim(), w.taskBranch('P/T2'));
    assert.equal((await gitOk(next.dir, ['rev-parse', 'HEAD'])).trim(), (await gitOk(root, ['rev-parse', w.integrationBranch])).trim());
    assert.equal(readFileSync(join(next.dir, 'one.txt'), 'utf8'), 'one\n', 'T1\'s merged work is there');
    assert.equal(existsSync(join(next.dir, 'build')), false, 'T1\'s ignored build output is not');
    assert.equal(await gitOk(next.dir, ['status', '--porcelain', '--ignored']), '');
    const listed = await gitOk(root, ['worktree', 'list', '--porcelain']);
    assert.match(listed, new RegExp(`worktree ${next.dir}\n`), 'git knows the worktree where it now is');
    assert.equal(w.taskBranch('P/T1').length > 0 && !listed.includes(w.taskBranch('P/T1')), true, 'T1\'s branch is checked out nowhere');
  });

  it('commits work left in a finished worktree to its branch before it becomes a spare', async () => {
    const { root, w } = await preparedWorktrees(tmp.path);
    const dir = await w.forTask('P/T1');
    writeFileSync(join(dir, 'late.txt'), 'written after the last commit\n');
    assert.deepEqual(await w.cleanupTask('P/T1'), { branchKept: true });
    assert.equal((await gitOk(root, ['show', `${w.taskBranch('P/T1')}:late.txt`])), 'written after the last commit\n');
    assert.equal((await git(root, ['branch', '-D', w.taskBranch('P/T1')])).code, 0, 'the kept branch is the user\'s to delete: no spare holds it');
  });

  it('leaves no spare after the run drains, and git has no record of one', async () => {
    const { root, w } = await afterOneTask();
    assert.deepEqual(readdirSync(join(root, '.orch', 'worktrees')).length, 1, 'one spare between the tasks');
    assert.deepEqual(await w.drain(), []);
    assert.deepEqual(readdirSync(join(root, '.orch', 'worktrees')), []);
    assert.equal((await gitOk(root, ['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
  });

  it('deletes a spare a killed Orch left, at the next start, whatever state it was in', async () => {
    const { root } = await afterOneTask();
    const spare = readdirSync(join(root, '.orch', 'worktrees'))[0]!;
    // Cut between the move and git's record of it: the record names a folder that is gone.
    const admin = (await gitOk(join(root, '.orch', 'worktrees', spare), ['rev-parse', '--absolute-git-dir'])).trim();
    writeFileSync(join(admin, 'gitdir'), `${join(root, '.orch', 'worktrees', 'P-T1', '.git')}\n`);
    const resumed = new Worktrees(workspacePaths(root), 'run1');
    await resumed.prepare();
    assert.deepEqual(readdirSync(join(root, '.orch', 'worktrees')), []);
    assert.equal((await gitOk(root, ['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).length, 1);
    const again = await resumed.obtain('P/T2');
    assert.equal(again.created, true);
    assert.equal(readFileSync(join(again.dir, 'one.txt'), 'utf8'), 'one\n');
  });

  it('removes a worktree of a repository with submodules instead of keeping it: a spare would keep a checked-out submodule', async () => {
    const { root, w } = await preparedWorktrees(tmp.path);
    writeFileSync(join(root, '.gitmodules'), '[submodule "lib"]\n\tpath = lib\n\turl = ../lib\n');
    await gitOk(root, ['add', '.gitmodules']);
    await gitOk(root, ['commit', '-q', '-m', 'submodules']);
    await gitOk(root, ['branch', '-f', w.integrationBranch, 'main']);
    await w.forTask('P/T1');
    await w.cleanupTask('P/T1');
    assert.deepEqual(readdirSync(join(root, '.orch', 'worktrees')), []);
  });

  it('removes a worktree whose .git names its git folder by a relative path instead of moving it', async () => {
    const { root, w } = await preparedWorktrees(tmp.path);
    const dir = await w.forTask('P/T1');
    const admin = (await gitOk(dir, ['rev-parse', '--absolute-git-dir'])).trim();
    writeFileSync(join(dir, '.git'), `gitdir: ${join('..', '..', '..', '.git', 'worktrees', admin.split('/').at(-1)!)}\n`);
    assert.equal((await gitOk(dir, ['rev-parse', '--absolute-git-dir'])).trim(), admin, 'git follows the relative pointer');
    await w.cleanupTask('P/T1');
    assert.deepEqual(readdirSync(join(root, '.orch', 'worktrees')), []);
  });
});
