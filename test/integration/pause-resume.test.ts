import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { slow, type Scenario } from '../../src/scripted-model/scenarios';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

function post(url: URL, path: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: url.port, path, method: 'POST', headers: { Authorization: `Bearer ${token}`, Host: url.host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface LoggedEvent {
  readonly type: string;
  readonly reason?: string;
  readonly taskId?: string;
  readonly attemptId?: string;
}

/**
 * What a user pause promises, read from the run's final log (its order is the engine's order) and
 * the log as it was when the test asked for the resume: the attempts running when the pause landed
 * finished before `run.paused`; `run.resumed` came only after the ask; no attempt started in between,
 * though a task was ready all along (the pause held it back); that task started after the resume.
 */
function assertPauseHeld(log: string, atResume: string): void {
  const parse = (text: string) => text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as LoggedEvent);
  const events = parse(log);
  const paused = events.findIndex((e) => e.type === 'run.paused' && e.reason === 'user');
  const resumed = events.findIndex((e, i) => i > paused && e.type === 'run.resumed');
  assert.ok(paused >= 0 && resumed > paused, 'run.paused, then run.resumed');
  const asked = parse(atResume).length;
  assert.ok(paused < asked && resumed >= asked, `the pause was logged before the resume was asked for, and ended only after (paused at ${paused}, asked at ${asked}, resumed at ${resumed})`);
  const before = events.slice(0, paused);
  const finishedBefore = new Set(before.filter((e) => e.type === 'attempt.finished').map((e) => e.attemptId));
  const startedBefore = before.filter((e) => e.type === 'attempt.started');
  assert.ok(startedBefore.length > 0, 'an attempt was running when the pause was asked for');
  assert.deepEqual(startedBefore.filter((e) => !finishedBefore.has(e.attemptId)).map((e) => e.attemptId), [], 'running attempts finish before run.paused');
  const startedWhilePaused = events.slice(paused, resumed).filter((e) => e.type === 'attempt.started');
  assert.deepEqual(startedWhilePaused.map((e) => e.taskId), [], 'no attempt starts while paused');
  const mergedBefore = new Set(before.filter((e) => e.type === 'task.merged').map((e) => e.taskId));
  const heldBack = events.slice(resumed).filter((e) => e.type === 'attempt.started');
  assert.ok(heldBack.length > 0, 'a task was left to start after the resume');
  assert.ok(mergedBefore.size > 0, `a task was merged before the pause, so the next one was ready while paused (held back: ${heldBack.map((e) => e.taskId).join(', ')})`);
}

/** Waits for `check`, however long a loaded machine takes, unless the run's process ends first. */
async function until(check: () => boolean, what: string, run: ChildProcess): Promise<void> {
  while (!check()) {
    if (run.exitCode !== null || run.signalCode !== null) throw new Error(`the run ended (${run.exitCode ?? run.signalCode}) before ${what}`);
    await sleep(100);
  }
}

/**
 * T1's model calls wait until the test has asked for the pause: the pause then lands while T1
 * runs and T2 is held back, however long the asking takes to start on a loaded machine (T1 and
 * T2 could otherwise both finish first, leaving no task for the pause to hold back).
 */
function heldUntilPaused(): { readonly scenario: Scenario; readonly release: () => void } {
  let release = (): void => {};
  const asked = new Promise<void>((resolve) => (release = resolve));
  const paced = slow(400, demoScenario);
  return {
    scenario: async (request, context) => {
      if (request.userText.includes('## Task T1:')) await asked;
      return paced(request, context);
    },
    release,
  };
}

describe('pause and resume from the dashboard', function () {
  this.timeout(240_000);
  const tmp = useTempDir();

  it('pauses a live run (running tasks finish, none starts), then resumes it to completion', async () => {
    const tasks = [{ id: 'T1', file: 'a.txt' }, { id: 'T2', file: 'b.txt', depends: ['T1'] }, { id: 'T3', file: 'c.txt', depends: ['T2'] }];
    const t1 = heldUntilPaused();
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', tasks) }, t1.scenario);
    // The run's folder appears a moment before its events.jsonl does.
    const logExists = (): boolean => existsSync(fixture.eventsFile() ?? '');
    try {
      const run = fixture.orch(['run', 'roadmap.md', '--port', '0']);
      let out = '';
      run.stdout?.on('data', (c: Buffer) => (out += c.toString()));
      const exit = new Promise<number | null>((resolve) => run.once('exit', resolve));
      await until(() => /dashboard: (\S+)#token=([0-9a-f]+)/.test(out) && logExists(), 'the dashboard URL', run);
      const [, base, token] = /dashboard: (\S+)#token=([0-9a-f]+)/.exec(out)!;
      const url = new URL(base!);
      const runId = fixture.eventsFile()!.split('/').at(-2)!;
      const log = () => readFileSync(fixture.eventsFile()!, 'utf8');
      await until(() => log().includes('"attempt.started"'), 'the first attempt', run);

      const paused = await post(url, `/api/runs/${runId}/pause`, token!);
      assert.equal(paused.status, 200, paused.body);
      t1.release();
      await until(() => log().includes('"type":"run.paused","reason":"user"'), 'run.paused', run);
      assert.equal(run.exitCode, null, 'the paused run keeps its process and lock');

      const atResume = log();
      const resumed = await post(url, `/api/runs/${runId}/resume`, token!);
      assert.equal(resumed.status, 200, resumed.body);
      assert.equal(await exit, 0, out);
      assert.match(log(), /"type":"run\.finished","state":"completed"/);
      assertPauseHeld(log(), atResume);
    } finally {
      await fixture.model.close();
    }
  });
});

describe('orch pause and orch resume of a live run (processes)', function () {
  // Seven CLI processes one after another: over 120 s at a load of 20 on one core.
  this.timeout(300_000);
  const tmp = useTempDir();

  function finish(child: ChildProcess): Promise<{ code: number | null; out: string }> {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
  }

  it('`orch pause` pauses the run in its own process; `orch resume` signals that process, which completes the run', async () => {
    const tasks = [{ id: 'T1', file: 'a.txt' }, { id: 'T2', file: 'b.txt', depends: ['T1'] }, { id: 'T3', file: 'c.txt', depends: ['T2'] }];
    const t1 = heldUntilPaused();
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', tasks) }, t1.scenario);
    // The run's folder appears a moment before its events.jsonl does.
    const logExists = (): boolean => existsSync(fixture.eventsFile() ?? '');
    try {
      const noRun = await finish(fixture.orch(['pause']));
      assert.equal(noRun.code, 2, noRun.out);
      assert.match(noRun.out, /no runs in this workspace yet/);

      const run = fixture.orch(['run', 'roadmap.md', '--no-dashboard']);
      const ran = finish(run);
      await until(logExists, 'the run log', run);
      const log = () => readFileSync(fixture.eventsFile()!, 'utf8');
      await until(() => log().includes('"attempt.started"'), 'the first attempt', run);

      const pauser = fixture.orch(['pause', '--wait']);
      let asked = '';
      pauser.stdout?.on('data', (c: Buffer) => (asked += c.toString()));
      const pausing = finish(pauser);
      await until(() => /asked Orch \(pid \d+\) to pause/.test(asked), 'the pause request', run);
      t1.release();
      const paused = await pausing;
      assert.equal(paused.code, 0, paused.out);
      assert.match(paused.out, /asked Orch \(pid \d+\) to pause run \S+: no new task starts/);
      assert.match(paused.out, /is paused; continue it with 'orch resume /);
      assert.match(log(), /"type":"run\.paused","reason":"user"/);
      assert.equal(run.exitCode, null, 'the paused run keeps its process');

      const retryLive = await finish(fixture.orch(['resume', '--task', 'T2']));
      assert.equal(retryLive.code, 2, retryLive.out);
      assert.match(retryLive.out, /is live in pid \d+ \(orch run\); --task and --budget apply when a stopped run is resumed/);

      const second = await finish(fixture.orch(['run', 'roadmap.md', '--no-dashboard']));
      assert.equal(second.code, 2, second.out);
      assert.match(second.out, /^orch: another Orch process is writing this workspace: pid \d+ .*\(orch run, run \S+, since /m);

      const atResume = log();
      const resumed = await finish(fixture.orch(['resume']));
      assert.equal(resumed.code, 0, resumed.out);
      assert.match(resumed.out, /asked Orch \(pid \d+\) to resume run \S+\nrun \S+ is (running|completed)/);
      const end = await ran;
      assert.equal(end.code, 0, end.out);
      assert.match(log(), /"type":"run\.finished","state":"completed"/);
      assertPauseHeld(log(), atResume);

      const afterEnd = await finish(fixture.orch(['pause']));
      assert.equal(afterEnd.code, 2, afterEnd.out);
      assert.match(afterEnd.out, /no Orch process is running run \S+ here/);
    } finally {
      await fixture.model.close();
    }
  });
});
