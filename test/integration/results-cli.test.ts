import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { gitOk } from '../../src/orchestrator/engine/git';
import { engineFixture, prd, type EngineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

function finish(child: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

describe('orch diff and orch merge on a real run (processes)', function () {
  this.timeout(180_000);
  const tmp = useTempDir();

  async function finishedRun(): Promise<{ fixture: EngineFixture; runId: string; start: string }> {
    const fixture = await engineFixture(
      tmp.path,
      { 'p.md': prd('PRD-1', [{ id: 'T1', file: 'src/greeting.js' }, { id: 'T2', file: 'docs/notes.md' }]) },
      demoScenario,
    );
    const start = (await gitOk(fixture.workspace, ['rev-parse', 'HEAD'])).trim();
    const run = await finish(fixture.orch(['run', 'roadmap.md', '--no-dashboard']));
    assert.equal(run.code, 0, run.out + run.err);
    return { fixture, runId: fixture.eventsFile()!.split('/').at(-2)!, start };
  }

  it('orch diff shows the files the agents wrote, for the run and for one task; --stat; an unknown task or run is exit 2', async () => {
    const { fixture, runId } = await finishedRun();
    try {
      const diff = await finish(fixture.orch(['diff']));
      assert.equal(diff.code, 0, diff.err);
      assert.match(diff.out, /^\+\+\+ b\/src\/greeting\.js$/m);
      assert.match(diff.out, /^\+\+\+ b\/docs\/notes\.md$/m);
      assert.match(diff.out, /^\+function greet\(name\) \{$/m, 'the content the agent wrote');

      const stat = await finish(fixture.orch(['diff', runId, '--stat']));
      assert.equal(stat.code, 0, stat.err);
      assert.match(stat.out, /src\/greeting\.js \| +\d+ \++/);
      assert.match(stat.out, /2 files changed/);
      assert.doesNotMatch(stat.out, /^\+\+\+ /m);

      const task = await finish(fixture.orch(['diff', '--task', 'PRD-1/T2']));
      assert.equal(task.code, 0, task.err);
      assert.match(task.out, /^\+\+\+ b\/docs\/notes\.md$/m);
      assert.doesNotMatch(task.out, /greeting/);

      const json = await finish(fixture.orch(['diff', '--json']));
      assert.deepEqual((JSON.parse(json.out) as { files: { path: string }[] }).files.map((f) => f.path), ['docs/notes.md', 'src/greeting.js']);

      const unknownTask = await finish(fixture.orch(['diff', '--task', 'PRD-1/T9']));
      assert.equal(unknownTask.code, 2);
      assert.match(unknownTask.err, /no task "PRD-1\/T9" in run \S+ \(its tasks: PRD-1\/T1, PRD-1\/T2\)/);
      const unknownRun = await finish(fixture.orch(['diff', 'no-such-run']));
      assert.equal(unknownRun.code, 2);
      assert.match(unknownRun.err, /no run no-such-run in this workspace/);
    } finally {
      await fixture.model.close();
    }
  });

  it('orch merge aborts a conflict cleanly, refuses a dirty tree, then merges into main keeping a commit the user made after the run started', async () => {
    const { fixture, runId, start } = await finishedRun();
    const ws = fixture.workspace;
    const head = async () => (await gitOk(ws, ['rev-parse', 'HEAD'])).trim();
    try {
      // A branch whose own docs/notes.md clashes with what the agent wrote.
      await gitOk(ws, ['checkout', '-q', '-b', 'clash', start]);
      await commitFile(ws, 'docs/notes.md', 'the user\'s own notes\n', 'user notes');
      const clashHead = await head();
      const conflict = await finish(fixture.orch(['merge']));
      assert.equal(conflict.code, 1, conflict.out + conflict.err);
      assert.match(conflict.err, /conflicts in:\n {2}docs\/notes\.md/);
      assert.match(conflict.err, new RegExp(`the merge was aborted; .*git -C \\S+ merge orch/${runId}/integration`));
      assert.equal(await head(), clashHead);
      assert.equal((await gitOk(ws, ['status', '--porcelain', '--untracked-files=no'])).trim(), '');
      assert.equal(readFileSync(join(ws, 'docs/notes.md'), 'utf8'), 'the user\'s own notes\n');

      await gitOk(ws, ['checkout', '-q', 'main']);
      await commitFile(ws, 'CHANGELOG.md', 'user work after the run started\n', 'user commit on main');
      const userCommit = await head();
      writeFileSync(join(ws, 'roadmap.md'), 'an edit not committed yet\n');
      const dirty = await finish(fixture.orch(['merge', runId]));
      assert.equal(dirty.code, 2, dirty.out + dirty.err);
      assert.match(dirty.err, /main has uncommitted changes in \S+: roadmap\.md \(commit or stash them/);
      assert.equal(await head(), userCommit);
      assert.equal(readFileSync(join(ws, 'roadmap.md'), 'utf8'), 'an edit not committed yet\n');
      await gitOk(ws, ['checkout', '--', 'roadmap.md']);

      const merged = await finish(fixture.orch(['merge']));
      assert.equal(merged.code, 0, merged.out + merged.err);
      assert.match(merged.out, new RegExp(`merged \\(\\w+\\) orch/${runId}/integration into main: \\d+ commit\\(s\\), 2 file\\(s\\)`));
      assert.match(merged.out, /orch: merge PRD-1\/T1 \(Make src\/greeting\.js\)/);
      assert.match(merged.out, /added +src\/greeting\.js/);
      const parents = (await gitOk(ws, ['log', '-1', '--format=%P'])).trim().split(' ');
      assert.deepEqual(parents, [userCommit, (await gitOk(ws, ['rev-parse', `orch/${runId}/integration`])).trim()]);
      assert.equal(readFileSync(join(ws, 'CHANGELOG.md'), 'utf8'), 'user work after the run started\n');
      assert.match(readFileSync(join(ws, 'src/greeting.js'), 'utf8'), /function greet/);
    } finally {
      await fixture.model.close();
    }
  });
});

async function commitFile(ws: string, file: string, text: string, message: string): Promise<void> {
  mkdirSync(join(ws, file, '..'), { recursive: true });
  writeFileSync(join(ws, file), text);
  await gitOk(ws, ['add', file]);
  await gitOk(ws, ['commit', '-q', '-m', message]);
}
