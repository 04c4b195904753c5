// A finished task's worktree becomes a spare that the next task's worktree is made from. A kill
// -9 at either worst moment (the spare just moved aside, or just moved into the next task's
// folder before git switched it) and a resume lose nothing and leave nothing behind.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { gitOk } from '../../src/orchestrator/engine/git';
import { textReply } from '../../src/scripted-model/reply';
import { slow, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import { engineFixture, prd } from '../support/engine-fixture';
import { exited } from '../support/process-exit';
import { useTempDir } from '../support/temp-dir';

const TASKS = ['T1', 'T2', 'T3', 'T4'];
const fileOf = (task: string): string => `${task.toLowerCase()}.txt`;

// Every first answer is slow enough for the next task's worktree to be made while it runs.
const scenario: Scenario = (request, context) => {
  const task = /## Task (\S+):/.exec(request.userText)?.[1] ?? 'T0';
  if (turnsSinceLastInstruction(request) > 0) return textReply(`Wrote ${fileOf(task)}.`);
  return slow(1500, writeTool(fileOf(task), `${task}\n`))(request, context);
};

describe('kill -9 while a finished worktree is kept as a spare, then orch resume', function () {
  this.timeout(180_000);
  const tmp = useTempDir();

  for (const [point, what] of [
    ['worktree-parked', 'just moved aside as a spare'],
    ['spare-moved', "just moved into the next task's folder, not yet switched to its branch"],
  ] as const) {
    it(`completes the run with every task merged once after a kill with a spare ${what}`, async () => {
      const f = await engineFixture(tmp.path, { 'p.md': prd('PRD-P', TASKS.map((id) => ({ id, file: fileOf(id) }))) }, scenario);
      const env = f.env as Record<string, string>;
      try {
        env.ORCH_TEST_PAUSE_AT = point;
        const marker = join(f.workspace, '.git', `orch-paused-at-${point}`);
        const first = f.orch(['run', 'roadmap.md', '--parallel', '1', '--no-dashboard']);
        const firstEnd = exited(first);
        for (let waited = 0; !existsSync(marker) && waited < 90_000; waited += 50) await sleep(50);
        assert.ok(existsSync(marker), `Orch never paused at ${point}`);
        first.kill('SIGKILL');
        await firstEnd;
        delete env.ORCH_TEST_PAUSE_AT;
        const worktrees = join(f.workspace, '.orch', 'worktrees');
        assert.ok(readdirSync(worktrees).some((name) => (point === 'worktree-parked' ? name.startsWith('.spare-') : name.endsWith('.adding'))), `the kill left ${what}: ${readdirSync(worktrees).join(', ')}`);

        const resumed = await exited(f.orch(['resume', '--no-dashboard']));
        assert.equal(resumed.code, 0, resumed.out);
        const events = f.events(f.eventsFile()!.split('/').at(-2)!);
        assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1), 'gap-free, duplicate-free sequence');
        const verified = events.filter((e) => e.type === 'task.verified').map((e) => (e as { taskId: string }).taskId);
        assert.deepEqual([...verified].sort(), TASKS.map((t) => `PRD-P/${t}`), 'each task verified once');
        const integration = (await gitOk(f.workspace, ['branch', '--format=%(refname:short)', '--list', 'orch/*/integration'])).trim();
        const merges = (await gitOk(f.workspace, ['log', '--format=%s', '--first-parent', integration])).split('\n').filter((m) => m.startsWith('orch: merge '));
        assert.equal(merges.length, TASKS.length, `each task merged once: ${merges.join('; ')}`);
        const files = (await gitOk(f.workspace, ['ls-tree', '-r', '--name-only', integration])).split('\n');
        for (const task of TASKS) assert.ok(files.includes(fileOf(task)), `${fileOf(task)} is on ${integration}`);
        assert.deepEqual(readdirSync(worktrees), [], 'no worktree, spare or marker left behind');
        assert.equal((await gitOk(f.workspace, ['worktree', 'list', '--porcelain'])).split('\n').filter((l) => l.startsWith('worktree ')).length, 1, 'git keeps no record of a spare');
        assert.equal((await gitOk(f.workspace, ['branch', '--list', 'orch/*/PRD-P-*'])).trim(), '', 'merged task branches deleted');
      } finally {
        await f.model.close();
      }
    });
  }
});
