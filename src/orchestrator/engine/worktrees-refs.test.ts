import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { git, gitOk } from './git';
import { parseNumstat } from './worktrees-numstat';
import { indexHasUnmergedEntries, readBranchTip, readCheckedOutBranch } from './worktrees-refs';

describe('reading git refs from their files', () => {
  const tmp = useTempDir();

  async function repo(): Promise<{ root: string; common: string; head: string }> {
    const root = join(tmp.path, 'ws');
    mkdirSync(root);
    await gitOk(root, ['init', '-q', '-b', 'main']);
    writeFileSync(join(root, 'a.txt'), 'a\n');
    await gitOk(root, ['add', '-A']);
    await gitOk(root, ['commit', '-q', '-m', 'init']);
    return { root, common: join(root, '.git'), head: (await gitOk(root, ['rev-parse', 'HEAD'])).trim() };
  }

  it('finds a loose branch, a packed one, and says when a branch does not exist', async () => {
    const { root, common, head } = await repo();
    await gitOk(root, ['branch', 'orch/r1/loose']);
    assert.deepEqual(await readBranchTip(common, 'orch/r1/loose'), { sha: head });
    await gitOk(root, ['branch', 'orch/r1/packed']);
    await gitOk(root, ['pack-refs', '--all']);
    assert.deepEqual(await readBranchTip(common, 'orch/r1/packed'), { sha: head });
    assert.deepEqual(await readBranchTip(common, 'orch/r1/missing'), {});
    // A prefix of an existing branch is a folder, not a branch: git is asked.
    await gitOk(root, ['branch', 'orch/r2/a']);
    assert.equal(await readBranchTip(common, 'orch/r2'), undefined);
    // A loose ref that moved after packing wins over the packed one, as in git.
    writeFileSync(join(root, 'b.txt'), 'b\n');
    await gitOk(root, ['add', '-A']);
    await gitOk(root, ['commit', '-q', '-m', 'two']);
    await gitOk(root, ['update-ref', 'refs/heads/orch/r1/packed', 'HEAD']);
    assert.deepEqual(await readBranchTip(common, 'orch/r1/packed'), { sha: (await gitOk(root, ['rev-parse', 'HEAD'])).trim() });
  });

  it('answers "cannot tell" for a file that is not a plain ref', async () => {
    const { common } = await repo();
    mkdirSync(join(common, 'refs', 'heads', 'odd'), { recursive: true });
    writeFileSync(join(common, 'refs', 'heads', 'odd', 'symbolic'), 'ref: refs/heads/main\n');
    assert.equal(await readBranchTip(common, 'odd/symbolic'), undefined);
    writeFileSync(join(common, 'refs', 'heads', 'odd', 'torn'), '12ab');
    assert.equal(await readBranchTip(common, 'odd/torn'), undefined);
  });

  it('reads the branch of a worktree, of the main checkout, and nothing where there is no worktree or HEAD is detached', async () => {
    const { root, head } = await repo();
    const wt = join(tmp.path, 'wt');
    await gitOk(root, ['worktree', 'add', '-q', '-b', 'orch/r1/P-T1', wt, 'main']);
    assert.deepEqual(await readCheckedOutBranch(wt), { branch: 'orch/r1/P-T1' });
    assert.deepEqual(await readCheckedOutBranch(root), { branch: 'main' });
    assert.deepEqual(await readCheckedOutBranch(join(tmp.path, 'nowhere')), {});
    await gitOk(wt, ['checkout', '-q', '--detach', head]);
    assert.deepEqual(await readCheckedOutBranch(wt), {});
  });
});

describe('unmerged entries, read from the index file', () => {
  const tmp = useTempDir();

  async function conflicted(format: 'sha1' | 'sha256'): Promise<string> {
    const root = join(tmp.path, format);
    mkdirSync(root);
    await gitOk(root, ['init', '-q', '-b', 'main', `--object-format=${format}`]);
    // Paths of every length modulo 8, so each padding an entry can have is walked over.
    for (let n = 1; n <= 16; n++) writeFileSync(join(root, `${'f'.repeat(n)}.txt`), `${n}\n`);
    writeFileSync(join(root, 'c.txt'), 'base\n');
    await gitOk(root, ['add', '-A']);
    await gitOk(root, ['commit', '-q', '-m', 'base']);
    await gitOk(root, ['checkout', '-q', '-b', 'side']);
    writeFileSync(join(root, 'c.txt'), 'side\n');
    await gitOk(root, ['commit', '-q', '-am', 'side']);
    await gitOk(root, ['checkout', '-q', 'main']);
    writeFileSync(join(root, 'c.txt'), 'main\n');
    await gitOk(root, ['commit', '-q', '-am', 'main']);
    return root;
  }

  for (const format of ['sha1', 'sha256'] as const) {
    it(`agrees with git before, during and after a conflict (${format})`, async () => {
      const root = await conflicted(format);
      const gitDir = join(root, '.git');
      assert.equal(await indexHasUnmergedEntries(gitDir), false);
      assert.equal((await git(root, ['merge', '-q', 'side'])).code, 1, 'the merge conflicts');
      assert.equal((await gitOk(root, ['diff', '--name-only', '--diff-filter=U'])).trim(), 'c.txt');
      assert.equal(await indexHasUnmergedEntries(gitDir), true);
      await gitOk(root, ['add', 'c.txt']);
      assert.equal(await indexHasUnmergedEntries(gitDir), false);
    });
  }

  it('says nothing for an index it does not walk, and no conflicts where there is no index', async () => {
    const root = await conflicted('sha1');
    await gitOk(root, ['update-index', '--index-version', '4']);
    assert.equal(await indexHasUnmergedEntries(join(root, '.git')), undefined);
    assert.equal(await indexHasUnmergedEntries(join(tmp.path, 'nowhere')), false);
  });
});

describe('parseNumstat', () => {
  it('reads counts, a binary file and a rename from git diff --numstat -z', () => {
    const out = '3\t0\ta.ts\0-\t-\tlogo.bin\0' + '0\t0\t\0notes.txt\0NOTES.txt\0' + '1\t2\tsp ace/ü.md\0';
    assert.deepEqual(parseNumstat(out), [
      { file: 'a.ts', added: 3, removed: 0 },
      { file: 'logo.bin', added: null, removed: null },
      { file: 'NOTES.txt', added: 0, removed: 0 },
      { file: 'sp ace/ü.md', added: 1, removed: 2 },
    ]);
    assert.deepEqual(parseNumstat(''), []);
  });
});
