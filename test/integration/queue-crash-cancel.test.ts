// The coordinator of a distributed run killed with SIGKILL, then `orch resume --queue`; and a
// cancel that must reach the worker running the agent. Real redis-server, real `orch worker`
// processes, the real claude CLI on the scripted model.

import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findMarkedProcesses } from '../../src/orchestrator/runner/process-group';
import type { OrchEvent } from '../../src/protocol/events';
import type { Scenario } from '../../src/scripted-model/scenarios';
import { engineFixture, prd, type EngineFixture } from '../support/engine-fixture';
import { startWorker, type WorkerProcess } from '../support/queue-workers';
import { startRedisServer, type RedisServer } from '../support/redis-server';
import { fileAsked, finished, scenario, whileRunning } from '../support/queue-scenario';

function events(file: string | undefined): OrchEvent[] {
  return file === undefined || !existsSync(file) ? [] : readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as OrchEvent);
}

async function until(what: string, probe: () => boolean, limitMs = 90_000): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 100) {
    if (probe()) return;
    await sleep(100);
  }
  throw new Error(`never saw ${what}`);
}

describe('distributed run: coordinator crash and cancel', function () {
  this.timeout(240_000);
  let dir: string;
  let redis: RedisServer;
  const fixtures: EngineFixture[] = [];
  const workers: WorkerProcess[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-queue-crash-'));
    redis = await startRedisServer();
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await Promise.all(fixtures.map((f) => f.model.close()));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function setUp(name: string, prds: Record<string, string>, steps: Scenario, workerCount: number): Promise<EngineFixture> {
    const fixture = await engineFixture(join(dir, name), prds, steps);
    fixtures.push(fixture);
    const started = Array.from({ length: workerCount }, (_, i) => startWorker(join(dir, name), `${name}-w${i + 1}`, redis.url, fixture.env));
    workers.push(...started);
    await Promise.all(started.map((w) => w.ready));
    return fixture;
  }

  it('resumes after the coordinator is killed with SIGKILL mid-attempt and Redis restarts empty, re-running no verified task', async () => {
    const fixture = await setUp('crash', { 'c.md': prd('PRD-C', [{ id: 'T1', file: 'one.txt' }, { id: 'T2', file: 'two.txt', depends: ['T1'] }]) }, scenario('two.txt', 8_000), 2);
    const first = fixture.orch(['run', 'roadmap.md', '--queue', redis.url, '--no-dashboard']);
    const firstDone = finished(first);
    await whileRunning(fixture.model.waitFor((r) => fileAsked(r) === 'two.txt', 90_000), firstDone, workers);
    await until('T2 placed on a worker', () => events(fixture.eventsFile()).some((e) => e.type === 'attempt.placed' && e.attemptId === 'PRD-C/T2#1'));
    first.kill('SIGKILL');
    await firstDone;
    // Redis restarts empty (no persistence) while no coordinator runs: what was settled is in the log and in git.
    await redis.restart(true);
    const oneBefore = fixture.model.modelRequests().filter((r) => fileAsked(r) === 'one.txt').length;
    const resumed = await finished(fixture.orch(['resume', '--queue', redis.url, '--no-dashboard']));
    assert.equal(resumed.code, 0, resumed.out);
    assert.equal(fixture.model.modelRequests().filter((r) => fileAsked(r) === 'one.txt').length, oneBefore, 'T1 was verified before the crash and never ran again');
    const log = events(fixture.eventsFile());
    const end = log.at(-1);
    assert.ok(end?.type === 'run.finished' && end.state === 'completed', `the run completed: ${JSON.stringify(end)}`);
    for (const task of ['PRD-C/T1', 'PRD-C/T2']) {
      assert.equal(log.filter((e) => e.type === 'task.verified' && e.taskId === task).length, 1, `${task} verified once`);
      assert.equal(log.filter((e) => e.type === 'task.merged' && e.taskId === task).length, 1, `${task} merged once`);
    }
    const interrupted = log.find((e) => e.type === 'attempt.finished' && e.attemptId === 'PRD-C/T2#1');
    assert.ok(interrupted?.type === 'attempt.finished' && interrupted.interrupted === true, 'the attempt the dead coordinator awaited was closed as interrupted');
    assert.ok(log.some((e) => e.type === 'attempt.placed' && e.attemptId === 'PRD-C/T2#2'), 'the resumed run enqueued the next attempt');
    // SIGTERM: a worker takes no more jobs and leaves; the next test's jobs must not reach these.
    for (const w of workers.splice(0)) {
      await w.kill('SIGTERM');
      assert.equal(w.child.exitCode, 0, w.output());
      assert.match(w.output(), /stopped/);
    }
  });

  it('cancel stops the agent on the worker and leaves no marked process', async () => {
    const fixture = await setUp('cancel', { 'd.md': prd('PRD-D', [{ id: 'T1', file: 'slow.txt' }]) }, scenario('slow.txt', 60_000), 1);
    const coordinator = fixture.orch(['run', 'roadmap.md', '--queue', redis.url, '--no-dashboard']);
    const done = finished(coordinator);
    await whileRunning(fixture.model.waitFor((r) => fileAsked(r) === 'slow.txt', 90_000), done, workers);
    await until('T1 placed on the worker', () => events(fixture.eventsFile()).some((e) => e.type === 'attempt.placed' && e.attemptId === 'PRD-D/T1#1'));
    const runId = events(fixture.eventsFile())[0]!.runId;
    assert.ok(findMarkedProcesses(`ORCH_RUN_ID=${runId}`).length > 0, 'the agent runs on the worker, marked with the run');
    const cancel = await finished(fixture.orch(['cancel']));
    assert.equal(cancel.code, 0, cancel.out);
    await done;
    const log = events(fixture.eventsFile());
    const end = log.find((e) => e.type === 'attempt.finished' && e.attemptId === 'PRD-D/T1#1');
    assert.ok(end?.type === 'attempt.finished' && end.failure === 'cancelled', `the worker stopped the attempt: ${JSON.stringify(end)}`);
    assert.ok(log.some((e) => e.type === 'run.finished' && e.state === 'cancelled'));
    assert.deepEqual(findMarkedProcesses(`ORCH_RUN_ID=${runId}`), [], 'no process of the run is left on the worker');
    assert.equal(workers.at(-1)!.child.exitCode, null, 'the worker itself keeps serving');
  });
});
