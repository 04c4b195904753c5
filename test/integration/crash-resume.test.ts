import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { turnsSinceLastInstruction } from '../../src/cli/demo/demo-scenario';
import { textReply } from '../../src/scripted-model/reply';
import { slow, writeTool, type Scenario } from '../../src/scripted-model/scenarios';
import type { RecordedRequest } from '../../src/scripted-model/server';
import { gitOk } from '../../src/orchestrator/engine/git';
import { engineFixture } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

const PRD = `---
id: PRD-C
milestone: "1.1"
title: Crash me
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
    depends: [T1]
    verify:
      - command: sleep 2 && test -s two.txt
---
`;


function taskOf(r: RecordedRequest): string | undefined {
  return /## Task (\S+):/.exec(r.parsed?.userText ?? '')?.[1];
}

/** Writes the task's file once per instruction, slowly for T2 so a test can kill Orch mid-attempt. */
const scenario: Scenario = (request, context) => {
  const task = /## Task (\S+):/.exec(request.userText)?.[1];
  const file = task === 'T1' ? 'one.txt' : 'two.txt';
  if (turnsSinceLastInstruction(request) > 0) return textReply(`Wrote ${file}.`);
  return task === 'T2' ? slow(2500, writeTool(file, 'two\n'))(request, context) : writeTool(file, 'one\n')(request, context);
};

describe('kill -9 and orch resume', function () {
  this.timeout(300_000);
  const tmp = useTempDir();

  async function setup() {
    const fixture = await engineFixture(tmp.path, { 'c.md': PRD }, scenario);
    return { ws: fixture.workspace, model: fixture.model, orch: fixture.orch, eventsFile: fixture.eventsFile, env: fixture.env };
  }

  async function killWhen(child: ChildProcess, happened: () => boolean, what: string): Promise<void> {
    for (let waited = 0; waited < 60_000; waited += 50) {
      if (happened()) {
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        return;
      }
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`never saw ${what}`);
  }

  const logShows = (eventsFile: () => string | undefined, pattern: RegExp) => () => {
    const file = eventsFile();
    return file !== undefined && existsSync(file) && pattern.test(readFileSync(file, 'utf8'));
  };

  function finish(child: ChildProcess): Promise<{ code: number | null; out: string }> {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
  }

  for (const point of [
    { name: 'during an attempt', event: /"attempt\.started","taskId":"PRD-C\/T2"/, whileModelWorks: true, t2Calls: (n: number) => n >= 2 },
    { name: 'between the attempt and its verification', event: /"task\.verifying","taskId":"PRD-C\/T2"/, whileModelWorks: false, t2Calls: (n: number) => n === 2 },
    { name: 'during a merge, before the integration branch moved', pauseAt: 'merge-before-update-ref@PRD-C-T2', whileModelWorks: false, t2Calls: (n: number) => n === 2 },
    { name: 'during a merge, after the integration branch moved', pauseAt: 'merge-after-update-ref@PRD-C-T2', whileModelWorks: false, t2Calls: (n: number) => n === 2 },
    { name: "during the background removal of a verified task's worktree", pauseAt: 'cleanup-before-remove@PRD-C-T1', whileModelWorks: false, t2Calls: (n: number) => n >= 2 },
    { name: "after the worktrees' removal, before the batch that deletes their merged branches", pauseAt: 'branch-deletion@PRD-C-T1', whileModelWorks: false, t2Calls: (n: number) => n === 2 },
    { name: 'while adding a worktree, its checkout cut short', pauseAt: 'worktree-added@PRD-C-T2', cutCheckout: true, whileModelWorks: false, t2Calls: (n: number) => n === 2 },
  ] as { name: string; event?: RegExp; pauseAt?: string; cutCheckout?: boolean; whileModelWorks: boolean; t2Calls: (n: number) => boolean }[]) {
    it(`completes the run after SIGKILL ${point.name}, never re-running a verified task`, async () => {
      const { model, orch, eventsFile, ws, env } = await setup();
      // Test-only: Orch stops at the named git step and says so with a marker file.
      const testEnv = env as Record<string, string>;
      if (point.pauseAt !== undefined) testEnv.ORCH_TEST_PAUSE_AT = point.pauseAt;
      const marker = join(ws, '.git', `orch-paused-at-${point.pauseAt?.split('@')[0] ?? ''}`);
      try {
        const first = orch(['run', 'roadmap.md', '--port', '0']);
        let firstOut = '';
        first.stdout?.on('data', (c: Buffer) => (firstOut += c.toString()));
        // Mid-attempt means the model is busy answering T2 (its reply is slow) when Orch dies.
        if (point.whileModelWorks) await model.waitFor((r) => taskOf(r) === 'T2', 60_000);
        await killWhen(first, point.event === undefined ? () => existsSync(marker) : logShows(eventsFile, point.event), point.event?.source ?? marker);
        delete testEnv.ORCH_TEST_PAUSE_AT;
        // What a kill in the middle of git's checkout leaves: a worktree missing tracked files.
        if (point.cutCheckout === true) rmSync(join(ws, '.orch', 'worktrees', 'PRD-C-T2', 'roadmap.md'));
        const t1Before = model.modelRequests().filter((r) => taskOf(r) === 'T1').length;
        const t2Before = model.modelRequests().filter((r) => taskOf(r) === 'T2').length;
        if (point.whileModelWorks) assert.equal(t2Before, 1, 'killed while the model was answering T2');
        assert.match(firstOut, /dashboard: http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{32}/);
        const resumed = await finish(orch(['resume', '--no-dashboard']));
        assert.equal(resumed.code, 0, resumed.out);
        const requests = model.modelRequests();
        assert.equal(requests.filter((r) => taskOf(r) === 'T1').length, t1Before, 'T1 was verified before the crash and never ran again');
        const t2Total = requests.filter((r) => taskOf(r) === 'T2').length;
        assert.ok(point.t2Calls(t2Total), `T2 model calls: ${t2Before} before the crash, ${t2Total} in all`);
        const status = JSON.parse(await new Promise<string>((resolve) => {
          let text = '';
          const child = orch(['status', '--json']);
          child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
          child.once('exit', () => resolve(text));
        })) as { state: string; tasks: { id: string; state: string }[] };
        assert.equal(status.state, 'completed');
        assert.deepEqual(status.tasks.map((t) => t.state), ['verified', 'verified']);
        const log = readFileSync(eventsFile()!, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string; taskId?: string });
        assert.deepEqual(log.map((e) => e.seq), log.map((_, i) => i + 1), 'gap-free, duplicate-free sequence');
        assert.equal(log.filter((e) => e.type === 'task.verified' && e.taskId === 'PRD-C/T1').length, 1);
        const integration = (await gitOk(ws, ['branch', '--format=%(refname:short)', '--list', 'orch/*/integration'])).trim();
        const merges = (await gitOk(ws, ['log', '--format=%s', '--first-parent', integration])).split('\n');
        assert.deepEqual(merges.filter((m) => m.startsWith('orch: merge ')), ['orch: merge PRD-C/T2 (Second file)', 'orch: merge PRD-C/T1 (First file)'], 'each task merged once');
        const files = (await gitOk(ws, ['ls-tree', '-r', '--name-only', integration])).split('\n');
        for (const file of ['roadmap.md', 'prds/c.md', 'one.txt', 'two.txt']) assert.ok(files.includes(file), `${file} is on ${integration}`);
        assert.deepEqual(readdirSync(join(ws, '.orch', 'worktrees')), [], 'no worktree left behind');
        assert.equal((await gitOk(ws, ['branch', '--list', 'orch/*/PRD-C-*'])).trim(), '', 'merged task branches deleted');
      } finally {
        await model.close();
      }
    });
  }
});
