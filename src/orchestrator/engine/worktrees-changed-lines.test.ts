import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { workspacePaths } from '../workspace/workspace-paths';
import { gitOk } from './git';
import { Worktrees } from './worktrees';

describe('Worktrees.changedLines', () => {
  const tmp = useTempDir();

  async function repo(): Promise<Worktrees> {
    const root = join(tmp.path, 'ws');
    mkdirSync(root);
    await gitOk(root, ['init', '-q', '-b', 'main']);
    writeFileSync(join(root, 'README.md'), 'hello\nworld\n');
    writeFileSync(join(root, 'notes.txt'), 'keep\nthese\nnotes\n');
    await gitOk(root, ['add', '-A']);
    await gitOk(root, ['commit', '-q', '-m', 'init']);
    const worktrees = new Worktrees(workspacePaths(root), 'run1');
    await worktrees.prepare();
    return worktrees;
  }

  it('counts each task\'s own lines after both merged, whichever merged first', async () => {
    const w = await repo();
    const one = await w.forTask('P/T1');
    const two = await w.forTask('P/T2');
    writeFileSync(join(one, 'a.ts'), 'const a = 1;\nconst b = 2;\nexport { a, b };\n');
    writeFileSync(join(one, 'README.md'), 'hello\nthere\n');
    writeFileSync(join(one, 'logo.bin'), Buffer.from([0, 1, 2, 0, 255]));
    await gitOk(one, ['mv', 'notes.txt', 'NOTES.txt']);
    writeFileSync(join(two, 'b.txt'), 'b\n');
    await w.commitTask('P/T1', 'T1');
    await w.commitTask('P/T2', 'T2');
    assert.equal((await w.merge('P/T2', 'merge T2')).merged, true);
    assert.equal((await w.merge('P/T1', 'merge T1')).merged, true);

    const byFile = (counts: Awaited<ReturnType<Worktrees['changedLines']>>) => [...(counts ?? [])].sort((x, y) => (x.file < y.file ? -1 : 1));
    assert.deepEqual(byFile(await w.changedLines('P/T1')), [
      { file: 'NOTES.txt', added: 0, removed: 0 },
      { file: 'README.md', added: 1, removed: 1 },
      { file: 'a.ts', added: 3, removed: 0 },
      { file: 'logo.bin', added: null, removed: null },
    ]);
    assert.deepEqual(await w.changedLines('P/T2'), [{ file: 'b.txt', added: 1, removed: 0 }]);
    // A resumed Orch has no counts from the commit: it asks git, and git says the same.
    const resumed = new Worktrees(workspacePaths(join(tmp.path, 'ws')), 'run1');
    assert.deepEqual(byFile(await resumed.changedLines('P/T1')), byFile(await w.changedLines('P/T1')));
    assert.deepEqual(await resumed.changedLines('P/T2'), [{ file: 'b.txt', added: 1, removed: 0 }]);
  });

  it('counts only the task\'s lines when its rework took in integrated work before merging', async () => {
    const w = await repo();
    const one = await w.forTask('P/T1');
    const two = await w.forTask('P/T2');
    writeFileSync(join(one, 'a.txt'), '1\n2\n');
    await w.commitTask('P/T1', 'T1');
    assert.equal((await w.merge('P/T1', 'merge T1')).merged, true);
    await gitOk(two, ['merge', '--no-edit', w.integrationBranch]);
    writeFileSync(join(two, 'b.txt'), 'x\ny\nz\n');
    await w.commitTask('P/T2', 'T2');
    assert.equal((await w.merge('P/T2', 'merge T2')).merged, true);
    assert.deepEqual(await w.changedLines('P/T2'), [{ file: 'b.txt', added: 3, removed: 0 }]);
  });

  it('says nothing for a task that has no branch', async () => {
    const w = await repo();
    assert.equal(await w.changedLines('P/T9'), undefined);
  });
});
