import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { useTempDir } from '../../../test/support/temp-dir';
import { preparedWorktrees } from '../../../test/support/worktrees-repo';
import { workspacePaths } from '../workspace/workspace-paths';
import { git, gitOk } from './git';
import { Worktrees } from './worktrees';

describe('Merged task branches deleted in batches', () => {
  const tmp = useTempDir();

  async function repo(): Promise<{ root: string; w: Worktrees }> {
    return preparedWorktrees(tmp.path);
  }

  async function mergedTask(w: Worktrees, taskId: string, file: string): Promise<void> {
    writeFileSync(join(await w.forTask(taskId), file), `${file}\n`);
    await w.commitTask(taskId, taskId);
    assert.equal((await w.merge(taskId, `merge ${taskId}`)).merged, true);
  }

  const branchExists = async (root: string, branch: string) => (await git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;

  async function removed(dir: string): Promise<void> {
    while (existsSync(dir)) await sleep(20);
  }

  it('deletes the branches of worktrees removed in the background once drained', async () => {
    const { root, w } = await repo();
    await mergedTask(w, 'P/T1', 'a.txt');
    await mergedTask(w, 'P/T2', 'b.txt');
    w.cleanupInBackground('P/T1');
    w.cleanupInBackground('P/T2');
    assert.deepEqual(await w.drain(), []);
    assert.equal(existsSync(w.taskDir('P/T1')) || existsSync(w.taskDir('P/T2')), false);
    assert.equal(await branchExists(root, w.taskBranch('P/T1')), false);
    assert.equal(await branchExists(root, w.taskBranch('P/T2')), false);
  });

  it('deletes, at the next start, merged branches a kill left after their worktrees went, and keeps the others', async () => {
    const { root, w } = await repo();
    await mergedTask(w, 'P/T1', 'a.txt');
    await mergedTask(w, 'P/T2', 'b.txt');
    writeFileSync(join(await w.forTask('P/T3'), 'c.txt'), 'c\n');
    await w.commitTask('P/T3', 'T3, never merged');
    // What a kill between the removals and the deletion batch leaves: folders gone, branches there.
    for (const task of ['P/T1', 'P/T3']) await gitOk(root, ['worktree', 'remove', w.taskDir(task)]);
    await new Worktrees(workspacePaths(root), 'run1').prepare();
    assert.equal(await branchExists(root, w.taskBranch('P/T1')), false, 'merged, no worktree: deleted');
    assert.equal(await branchExists(root, w.taskBranch('P/T2')), true, 'merged, its worktree still there: kept');
    assert.equal(await branchExists(root, w.taskBranch('P/T3')), true, 'not merged: kept');
    assert.equal(await branchExists(root, w.integrationBranch), true);
  });

  it('starts a task run again before its branch deletion came round from the integration branch', async () => {
    const { root, w } = await repo();
    await mergedTask(w, 'P/T1', 'a.txt');
    w.cleanupInBackground('P/T1');
    await removed(w.taskDir('P/T1'));
    await mergedTask(w, 'P/T2', 'b.txt');
    const again = await w.obtain('P/T1');
    assert.equal(again.created, true);
    assert.equal(readFileSync(join(again.dir, 'b.txt'), 'utf8'), 'b.txt\n', 'work merged since is there');
    assert.equal((await gitOk(again.dir, ['rev-parse', 'HEAD'])).trim(), (await gitOk(root, ['rev-parse', w.integrationBranch])).trim());
  });
});
