import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { preparedWorktrees } from '../../../test/support/worktrees-repo';
import { gitOk } from './git';
import { Worktrees } from './worktrees';
import { onlyKeptOut } from './worktrees-kept-out';

describe('Worktrees holding what Orch put there', () => {
  const tmp = useTempDir();

  it('tells what Orch listed apart from the agent\'s changes in `git status --porcelain -z`', () => {
    const kept = ['deps', '.env', 'README.md'];
    assert.equal(onlyKeptOut('', kept), true);
    assert.equal(onlyKeptOut('?? deps/\0?? .env\0 M README.md\0', kept), true);
    assert.equal(onlyKeptOut('?? deps/lib/x.js\0', kept), true, 'a file inside a listed folder');
    assert.equal(onlyKeptOut('?? deps/\0?? work.txt\0', kept), false);
    assert.equal(onlyKeptOut('?? depsX/\0', kept), false, 'a name that only starts like a listed one');
    assert.equal(onlyKeptOut('R  .env\0old.env\0', kept), false, 'a rename is the agent\'s');
    assert.equal(onlyKeptOut(' M src/a.ts\0', []), false);
    assert.equal(onlyKeptOut('!! build/\0!! .cache/x\0?? deps/\0', kept), true, 'ignored files (--ignored) are no commit\'s');
    assert.equal(onlyKeptOut('!! build/\0?? work.txt\0', kept), false);
  });

  async function worktreeWithSetup(): Promise<{ root: string; w: Worktrees; dir: string }> {
    const { root, w } = await preparedWorktrees(tmp.path);
    const dir = await w.forTask('P/T1');
    mkdirSync(join(dir, 'deps'));
    writeFileSync(join(dir, 'deps', 'lib.js'), 'installed\n');
    await w.keepOutOfCommits('P/T1', ['deps']);
    return { root, w, dir };
  }

  // GIT_TRACE names each git command as it starts: what a removal cost, counted.
  async function traced<T>(work: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
    const file = join(tmp.path, `trace-${Date.now()}.log`);
    process.env.GIT_TRACE = file;
    try {
      const result = await work();
      const commands = existsSync(file) ? [...readFileSync(file, 'utf8').matchAll(/trace: built-in: git (?:-c \S+ )*(\S+)/g)].map((m) => m[1] ?? '') : [];
      return { result, commands };
    } finally {
      delete process.env.GIT_TRACE;
    }
  }

  it('removes a worktree holding nothing but what Orch put there without trying a commit', async () => {
    const { root, w, dir } = await worktreeWithSetup();
    writeFileSync(join(dir, 'work.txt'), 'the agent\n');
    await w.commitTask('P/T1', 'T1');
    const { result, commands } = await traced(() => w.cleanupTask('P/T1'));
    assert.deepEqual(result, { branchKept: true });
    assert.equal(existsSync(dir), false);
    assert.deepEqual(commands.filter((c) => ['add', 'commit', 'reset'].includes(c)), [], commands.join(' '));
    assert.equal((await gitOk(root, ['log', '--format=%s', '-1', w.taskBranch('P/T1')])).trim(), 'T1');
  });

  it('still commits the agent\'s work left beside what Orch put there before removing the worktree', async () => {
    const { root, w, dir } = await worktreeWithSetup();
    writeFileSync(join(dir, 'late.txt'), 'left by a check\n');
    assert.deepEqual(await w.cleanupTask('P/T1'), { branchKept: true });
    assert.equal(existsSync(dir), false);
    assert.equal(await gitOk(root, ['show', `${w.taskBranch('P/T1')}:late.txt`]), 'left by a check\n');
    assert.equal((await gitOk(root, ['ls-tree', '-r', '--name-only', w.taskBranch('P/T1')])).includes('deps/'), false, 'what Orch installed stays out');
  });
});
