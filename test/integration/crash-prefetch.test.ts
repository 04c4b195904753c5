// A worktree made ahead of its task's dispatch (a prefetch, while another task runs) survives a
// kill -9 at its worst moment: git's checkout cut short, before any agent ran there.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { gitOk } from '../../src/orchestrator/engine/git';
import { textReply } from '../../src/scripted-model/reply';
import { slow, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';
import { exited } from '../support/process-exit';

const PRD = `---
id: PRD-P
milestone: "1.1"
title: Prefetch
tasks:
  - id: T1
    title: First file
    description: Write one.txt.
    agent: backend-engineer
    verify:
      - file: one.txt
  - id: T2
    title: Second file
    description: Write two.txt.
    agent: backend-engineer
    verify:
      - file: two.txt
---
`;

// T1 answers slowly, so T2 waits for the one slot while its worktree is made.
const scenario: Scenario = (request, context) => {
  const task = /## Task (\S+):/.exec(request.userText)?.[1];
  const file = task === 'T1' ? 'one.txt' : 'two.txt';
  if (turnsSinceLastInstruction(request) > 0) return textReply(`Wrote ${file}.`);
  return task === 'T1' ? slow(2500, writeTool(file, 'one\n'))(request, context) : writeTool(file, 'two\n')(request, context);
};

describe('kill -9 while a worktree is made ahead of its task, then orch resume', function () {
  this.timeout(120_000);
  const tmp = useTempDir();

  it('re-adds the cut worktree and completes the run, each task merged once', async () => {
    const f = await engineFixture(tmp.path, { 'p.md': PRD }, scenario);
    const env = f.env as Record<string, string>;
    try {
      env.ORCH_TEST_PAUSE_AT = 'worktree-added@PRD-P-T2';
      const marker = join(f.workspace, '.git', 'orch-paused-at-worktree-added');
      const first = f.orch(['run', 'roadmap.md', '--parallel', '1', '--no-dashboard']);
      const firstEnd = exited(first);
      for (let waited = 0; !existsSync(marker) && waited < 60_000; waited += 50) await sleep(50);
      assert.ok(existsSync(marker), 'Orch never paused after adding T2\'s worktree');
      first.kill('SIGKILL');
      await firstEnd;
      delete env.ORCH_TEST_PAUSE_AT;
      const log = readFileSync(f.eventsFile()!, 'utf8');
      assert.doesNotMatch(log, /"attempt\.started","taskId":"PRD-P\/T2"/, 'T2 had not been dispatched: its worktree was made ahead of need');
      assert.match(log, /"attempt\.started","taskId":"PRD-P\/T1"/, 'T1 held the one slot');
      // What a kill in the middle of git's checkout leaves: the marker, a worktree missing tracked files.
      const t2Dir = join(f.workspace, '.orch', 'worktrees', 'PRD-P-T2');
      assert.ok(existsSync(`${t2Dir}.adding`), 'the addition marker is still there');
      rmSync(join(t2Dir, 'roadmap.md'));

      const resumed = await exited(f.orch(['resume', '--no-dashboard']));
      assert.equal(resumed.code, 0, resumed.out);
      const events = f.events(f.eventsFile()!.split('/').at(-2)!);
      assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), 'gap-free, duplicate-free sequence');
      assert.deepEqual(events.filter((e) => e.type === 'task.verified').map((e) => (e as { taskId: string }).taskId).sort(), ['PRD-P/T1', 'PRD-P/T2']);
      const integration = (await gitOk(f.workspace, ['branch', '--format=%(refname:short)', '--list', 'orch/*/integration'])).trim();
      const merges = (await gitOk(f.workspace, ['log', '--format=%s', '--first-parent', integration])).split('\n').filter((m) => m.startsWith('orch: merge '));
      assert.deepEqual(merges.sort(), ['orch: merge PRD-P/T1 (First file)', 'orch: merge PRD-P/T2 (Second file)'], 'each task merged once');
      const files = (await gitOk(f.workspace, ['ls-tree', '-r', '--name-only', integration])).split('\n');
      for (const file of ['roadmap.md', 'prds/p.md', 'one.txt', 'two.txt']) assert.ok(files.includes(file), `${file} is on ${integration}`);
      assert.deepEqual(readdirSync(join(f.workspace, '.orch', 'worktrees')), [], 'no worktree or marker left behind');
      assert.equal((await gitOk(f.workspace, ['branch', '--list', 'orch/*/PRD-P-*'])).trim(), '', 'merged task branches deleted');
    } finally {
      await f.model.close();
    }
  });
});
