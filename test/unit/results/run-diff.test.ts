import { strict as assert } from 'node:assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitOk } from '../../../src/orchestrator/engine/git';
import { InputError } from '../../../src/orchestrator/errors';
import { NoVerifiedWorkError, diffText, runChanges } from '../../../src/orchestrator/results/run-diff';
import { useTempDir } from '../../support/temp-dir';
import { fakeRun, repoWithReadme } from './results-fixture';

describe('results: a run\'s verified work (runChanges, diffText)', () => {
  const tmp = useTempDir();

  it('is the integration branch against the commit the run started from, even after main moved and the worktrees are gone', async () => {
    const root = await repoWithReadme(tmp.path);
    const start = (await gitOk(root, ['rev-parse', 'HEAD'])).trim();
    const run = await fakeRun(root, 'r1', { T1: { 'src/a.txt': 'a\n' }, T2: { 'b.txt': 'b\nbb\n' } });
    writeFileSync(join(root, 'mine.txt'), 'user work\n');
    await gitOk(root, ['add', '-A']);
    await gitOk(root, ['commit', '-q', '-m', 'user commit after the run started']);

    const all = await runChanges(root, run, 'events.jsonl');
    assert.equal(all.base, start);
    assert.deepEqual(all.files, [
      { path: 'b.txt', status: 'added', additions: 2, deletions: 0 },
      { path: 'src/a.txt', status: 'added', additions: 1, deletions: 0 },
    ]);
    const text = await diffText(root, all, false);
    assert.match(text, /^\+\+\+ b\/src\/a\.txt$/m);
    assert.ok(!text.includes('mine.txt') && !text.includes('\u001b['), 'the user\'s own commit is not the run\'s work, and there is no colour');
    assert.match(await diffText(root, all, true), /2 files changed, 3 insertions\(\+\)/);

    const t2 = await runChanges(root, run, 'events.jsonl', 'T2');
    assert.equal(t2.taskId, 'P/T2');
    assert.deepEqual(t2.files.map((f) => f.path), ['b.txt']);
    assert.doesNotMatch(await diffText(root, t2, false), /a\.txt/);
  });

  it('finds the start without the branch\'s reflog, and does not count an earlier run\'s merges taken by fast-forward', async () => {
    const root = await repoWithReadme(tmp.path);
    await fakeRun(root, 'r1', { T1: { 'old.txt': 'earlier run\n' } });
    await gitOk(root, ['merge', '-q', '--ff-only', 'orch/r1/integration']);
    const start = (await gitOk(root, ['rev-parse', 'HEAD'])).trim();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // commit times have one-second resolution
    const run = await fakeRun(root, 'r2', { T1: { 'new.txt': 'this run\n' } });
    rmSync(join(root, '.git', 'logs', 'refs', 'heads', 'orch', 'r2'), { recursive: true });

    const changes = await runChanges(root, run, 'events.jsonl');
    assert.equal(changes.base, start);
    assert.deepEqual(changes.files.map((f) => f.path), ['new.txt']);
  });

  it('names an unknown or ambiguous task as bad input, and a task without merged work as such', async () => {
    const root = await repoWithReadme(tmp.path);
    const run = await fakeRun(root, 'r1', { T1: { 'a.txt': 'a\n' }, T2: { 'b.txt': 'b\n' } }, ['T1']);
    await assert.rejects(runChanges(root, run, 'events.jsonl', 'P/T9'), (e: unknown) => e instanceof InputError && /events\.jsonl: no task "P\/T9" in run r1 \(its tasks: P\/T1, P\/T2\)/.test(e.format()));
    await assert.rejects(runChanges(root, run, 'events.jsonl', 'P/T2'), (e: unknown) => e instanceof NoVerifiedWorkError && /P\/T2 has no verified work on orch\/r1\/integration: the task is pending/.test(e.message));
    await assert.rejects(runChanges(root, { ...run, runId: 'nope' }, 'events.jsonl'), /no branch orch\/nope\/integration/);
  });
});
