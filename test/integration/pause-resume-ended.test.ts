import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoScenario } from '../../src/cli/demo/demo-scenario';
import { processStartTime, type LockHolder } from '../../src/orchestrator/engine/run-lock';
import { finish as finishReply, hang, promptIncludes, route } from '../../src/scripted-model/scenarios';
import { engineFixture, prd } from '../support/engine-fixture';
import { useTempDir } from '../support/temp-dir';

interface Watched {
  readonly out: () => string;
  readonly done: Promise<number | null>;
}

function watch(child: ChildProcess): Watched {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { out: () => out, done };
}

/** Waits for `check`, however long a loaded machine takes, unless the process it waits on ends first. */
async function until(check: () => boolean, what: string, child: ChildProcess): Promise<void> {
  while (!check()) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the process ended (${child.exitCode ?? child.signalCode}) before ${what}`);
    await sleep(100);
  }
}

describe('orch pause --wait and orch resume when the run has ended (processes)', function () {
  this.timeout(240_000);
  const tmp = useTempDir();

  it('`orch pause --wait` exits 130 when the run is cancelled before its pause is reached', async () => {
    const tasks = [{ id: 'T1', file: 'a.txt' }, { id: 'T2', file: 'b.txt', depends: ['T1'] }];
    // T1's model call never answers, so the pause (reached once T1 ends) cannot be reached before
    // `orch cancel` lands, however long that process takes to start on a loaded machine.
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', tasks) }, route([{ when: promptIncludes('`a.txt`'), then: hang() }], demoScenario));
    try {
      const runner = fixture.orch(['run', 'roadmap.md', '--no-dashboard']);
      const run = watch(runner);
      await until(() => fixture.eventsFile() !== undefined && readFileSync(fixture.eventsFile()!, 'utf8').includes('"attempt.started"'), 'the first attempt', runner);
      const pauser = fixture.orch(['pause', '--wait']);
      const pause = watch(pauser);
      await until(() => /asked Orch \(pid \d+\) to pause/.test(pause.out()), 'the pause request', pauser);
      const cancel = watch(fixture.orch(['cancel']));
      await cancel.done;
      assert.equal(await pause.done, 130, pause.out());
      assert.match(pause.out(), /run \S+ is cancelled/);
      assert.equal(await run.done, 130, run.out());
    } finally {
      await fixture.model.close();
    }
  });

  it('a pause asked for while the last task runs lets the run complete: exit 0, and `orch pause --wait` says so', async () => {
    // The only task's model calls wait until the pause has been asked for, so it lands mid-task.
    let release = (): void => {};
    const asked = new Promise<void>((resolve) => (release = resolve));
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, async (request, context) => {
      await asked;
      return demoScenario(request, context);
    });
    const runner = fixture.orch(['run', 'roadmap.md', '--no-dashboard']);
    try {
      const run = watch(runner);
      await until(() => fixture.eventsFile() !== undefined && readFileSync(fixture.eventsFile()!, 'utf8').includes('"attempt.started"'), 'the first attempt', runner);
      const pauser = fixture.orch(['pause', '--wait']);
      const pause = watch(pauser);
      await until(() => /asked Orch \(pid \d+\) to pause/.test(pause.out()), 'the pause request', pauser);
      release();
      assert.equal(await pause.done, 0, pause.out());
      assert.match(pause.out(), /run \S+ is completed/);
      assert.equal(await run.done, 0, run.out());
      const events = readFileSync(fixture.eventsFile()!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; state?: string; message?: string });
      assert.deepEqual(events.filter((e) => e.type.startsWith('run.') && e.type !== 'run.started').map((e) => `${e.type} ${e.state ?? ''}`.trim()), ['run.finished completed']);
      assert.ok(events.some((e) => e.type === 'warning.raised' && /nothing was left to pause/.test(e.message ?? '')), 'the log says why the pause did not hold');
    } finally {
      runner.kill('SIGKILL');
      await fixture.model.close();
    }
  });

  it('`orch resume` of a finished run whose process still holds the lock reports the end state and its exit code', async () => {
    const failing = route([{ when: promptIncludes('`a.txt`'), then: finishReply('Done.') }], demoScenario);
    const fixture = await engineFixture(tmp.path, { 'a.md': prd('PRD-A', [{ id: 'T1', file: 'a.txt' }]) }, failing);
    mkdirSync(join(fixture.workspace, '.orch'));
    writeFileSync(join(fixture.workspace, '.orch', 'config.json'), JSON.stringify({ maxAttempts: 1 }));
    // Stands in for the Orch process between writing run.finished and releasing its lock.
    // It outlives the test on any machine (killed below): the lock must be live while resume reads it.
    const holder = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      const first = watch(fixture.orch(['run', 'roadmap.md', '--no-dashboard']));
      assert.equal(await first.done, 1, first.out());
      const runId = fixture.eventsFile()!.split('/').at(-2)!;
      const lock: LockHolder = { pid: holder.pid!, host: hostname(), command: 'orch run', runId, since: new Date().toISOString(), startTime: processStartTime(holder.pid!)! };
      writeFileSync(join(fixture.workspace, '.orch', 'lock.json'), JSON.stringify(lock));

      const resumed = watch(fixture.orch(['resume']));
      assert.equal(await resumed.done, 1, resumed.out());
      assert.match(resumed.out(), new RegExp(`run ${runId} has finished: failed`));
      assert.doesNotMatch(resumed.out(), /already running/);
      assert.equal(holder.exitCode, null);
      assert.equal(holder.signalCode, null, 'the finished run is not signalled');
    } finally {
      holder.kill('SIGKILL');
      await fixture.model.close();
    }
  });
});
