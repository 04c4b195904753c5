import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitOk } from '../../../src/orchestrator/engine/git';
import { InputError } from '../../../src/orchestrator/errors';
import { mergeRun } from '../../../src/orchestrator/results/merge-run';
import { useTempDir } from '../../support/temp-dir';
import { fakeRun, repoWithReadme } from './results-fixture';

describe('results: taking a run\'s work (mergeRun)', () => {
  const tmp = useTempDir();
  const head = (root: string, rev = 'HEAD') => gitOk(root, ['rev-parse', rev]).then((s) => s.trim());
  async function commit(root: string, file: string, text: string, message: string): Promise<void> {
    writeFileSync(join(root, file), text);
    await gitOk(root, ['add', '-A']);
    await gitOk(root, ['commit', '-q', '-m', message]);
  }

  it('fast-forwards the current branch when the user made no commit, then has nothing more to merge', async () => {
    const root = await repoWithReadme(tmp.path);
    const run = await fakeRun(root, 'r1', { T1: { 'a.txt': 'a\n' } });
    const outcome = await mergeRun(root, run, 'events.jsonl');
    assert.equal(outcome.kind, 'fast-forward');
    assert.equal(await head(root), await head(root, 'orch/r1/integration'));
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'a\n');
    if (outcome.kind === 'fast-forward') assert.deepEqual(outcome.files.map((f) => f.path), ['a.txt']);
    assert.equal((await mergeRun(root, run, 'events.jsonl')).kind, 'up-to-date');
  });

  it('makes a real merge when the user committed on the branch since the run started: both commits stay', async () => {
    const root = await repoWithReadme(tmp.path);
    const run = await fakeRun(root, 'r1', { T1: { 'a.txt': 'a\n' } });
    await commit(root, 'mine.txt', 'mine\n', 'user work');
    const userCommit = await head(root);
    const outcome = await mergeRun(root, run, 'events.jsonl');
    assert.equal(outcome.kind, 'merged');
    assert.deepEqual((await gitOk(root, ['log', '-1', '--format=%P'])).trim().split(' '), [userCommit, await head(root, 'orch/r1/integration')]);
    assert.equal(readFileSync(join(root, 'mine.txt'), 'utf8'), 'mine\n');
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'a\n');
  });

  it('refuses a dirty tree naming the files, and a running run, changing nothing', async () => {
    const root = await repoWithReadme(tmp.path);
    const run = await fakeRun(root, 'r1', { T1: { 'a.txt': 'a\n' } });
    const before = await head(root);
    writeFileSync(join(root, 'README.md'), 'edited, not committed\n');
    await assert.rejects(mergeRun(root, run, 'events.jsonl'), (e: unknown) => e instanceof InputError && /main has uncommitted changes in .*: README\.md \(commit or stash them/.test(e.format()));
    await assert.rejects(mergeRun(root, { ...run, state: 'running' }, 'events.jsonl'), (e: unknown) => e instanceof InputError && /events\.jsonl: run r1 is still running/.test(e.format()));
    assert.equal(await head(root), before);
    assert.equal(readFileSync(join(root, 'README.md'), 'utf8'), 'edited, not committed\n');
  });

  it('aborts a conflicting merge, leaving the branch and its files as they were', async () => {
    const root = await repoWithReadme(tmp.path);
    const run = await fakeRun(root, 'r1', { T1: { 'a.txt': 'from the agent\n' } });
    await commit(root, 'a.txt', 'from the user\n', 'user writes a.txt too');
    const before = await head(root);
    const outcome = await mergeRun(root, run, 'events.jsonl');
    assert.equal(outcome.kind, 'conflict');
    if (outcome.kind === 'conflict') {
      assert.deepEqual(outcome.conflicts, ['a.txt']);
      assert.match(outcome.manual, /git -C .* merge orch\/r1\/integration/);
    }
    assert.equal(await head(root), before);
    assert.equal((await gitOk(root, ['status', '--porcelain', '--untracked-files=no'])).trim(), '');
    assert.equal(readFileSync(join(root, 'a.txt'), 'utf8'), 'from the user\n');
  });

  it('--into a branch that is not checked out: merges without touching the working tree, and leaves a conflict untouched', async () => {
    const root = await repoWithReadme(tmp.path);
    const start = await head(root);
    const run = await fakeRun(root, 'r1', { T1: { 'a.txt': 'a\n' } });
    await gitOk(root, ['branch', 'release', start]);
    await gitOk(root, ['branch', 'clash', start]);
    await gitOk(root, ['checkout', '-q', 'release']);
    await commit(root, 'notes.txt', 'release notes\n', 'release work');
    await gitOk(root, ['checkout', '-q', 'clash']);
    await commit(root, 'a.txt', 'clash\n', 'clashing a.txt');
    await gitOk(root, ['checkout', '-q', 'main']);
    const releaseBefore = await head(root, 'release');
    const clashBefore = await head(root, 'clash');

    const merged = await mergeRun(root, run, 'events.jsonl', 'release');
    assert.equal(merged.kind, 'merged');
    assert.equal(merged.kind === 'merged' ? merged.worktree : 'x', undefined);
    assert.deepEqual((await gitOk(root, ['log', '-1', '--format=%P', 'release'])).trim().split(' '), [releaseBefore, await head(root, 'orch/r1/integration')]);
    assert.deepEqual((await gitOk(root, ['ls-tree', '--name-only', 'release'])).trim().split('\n').sort(), ['README.md', 'a.txt', 'notes.txt']);
    assert.equal(await head(root), start, 'main, the checked-out branch, did not move');

    const clash = await mergeRun(root, run, 'events.jsonl', 'clash');
    assert.equal(clash.kind, 'conflict');
    assert.equal(await head(root, 'clash'), clashBefore);
    await assert.rejects(mergeRun(root, run, 'events.jsonl', 'nope'), /no branch nope/);
  });
});
