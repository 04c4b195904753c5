// Distributed runs end to end: a real redis-server, real `orch worker` processes (each in its own
// folder with its own clone), the real claude CLI on the scripted model, and the coordinator as
// `orch run --queue`. One run serves several assertions; a worker is killed with SIGKILL mid-attempt.

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { gitOk } from '../../src/orchestrator/engine/git';
import { findMarkedProcesses } from '../../src/orchestrator/runner/process-group';
import { workerMarker } from '../../src/orchestrator/queue/worker-marks';
import { foldEvent } from '../../src/protocol/fold';
import type { OrchEvent } from '../../src/protocol/events';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { engineFixture, prd, type EngineFixture } from '../support/engine-fixture';
import { startWorker, type WorkerProcess } from '../support/queue-workers';
import { startRedisServer, type RedisServer } from '../support/redis-server';
import { fileAsked, finished, scenario, whileRunning } from '../support/queue-scenario';

function events(file: string): OrchEvent[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as OrchEvent);
}

async function until<T>(what: string, probe: () => T | undefined, limitMs = 90_000): Promise<T> {
  for (let waited = 0; waited < limitMs; waited += 100) {
    const value = probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`never saw ${what}`);
}

describe('distributed run over BullMQ (orch run --queue, orch worker)', function () {
  this.timeout(240_000);
  let dir: string;
  let redis: RedisServer;
  let fixture: EngineFixture;
  let workers: WorkerProcess[] = [];
  let log: OrchEvent[];
  let snapshot: RunSnapshot;
  let killed: string | undefined;
  let run: { code: number | null; out: string };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-queue-'));
    redis = await startRedisServer();
    // A command check that says where it ran (and notes it outside every worktree), and fails
    // until the rework writes its fix.
    const check = `      - command: pwd >> ${join(dir, 'checks-ran.txt')}; echo "checked in $(pwd)"; test -f a2-fixed.txt`;
    fixture = await engineFixture(dir, {
      'a.md': prd('PRD-A', [{ id: 'T1', file: 'a1.txt' }, { id: 'T2', file: 'a2.txt' }, { id: 'T3', file: 'a3.txt', depends: ['T1'] }])
        .replace('      - file: a2.txt', `      - file: a2.txt\n${check}`)
        .replace('      - file: a1.txt', '      - file: a1.txt\n      - command: grep -qx from-include local.env'),
      'b.md': prd('PRD-B', [{ id: 'T1', file: 'b1.txt' }, { id: 'T2', file: 'b2.txt' }]),
    }, scenario('b2.txt', 20_000, { file: 'a2.txt', fix: 'a2-fixed.txt' }));
    // A file git ignores that the workspace's .worktreeinclude names: workers get it too.
    writeFileSync(join(fixture.workspace, '.gitignore'), 'local.env\n');
    writeFileSync(join(fixture.workspace, '.worktreeinclude'), 'local.env\n');
    await gitOk(fixture.workspace, ['add', '.gitignore', '.worktreeinclude']);
    await gitOk(fixture.workspace, ['commit', '-q', '-m', 'include local.env in worktrees']);
    writeFileSync(join(fixture.workspace, 'local.env'), 'from-include\n');
    workers = ['w1', 'w2', 'w3'].map((name) => startWorker(dir, name, redis.url, fixture.env));
    await Promise.all(workers.map((w) => w.ready));
    const coordinator = fixture.orch(['run', 'roadmap.md', '--queue', redis.url, '--parallel', '3', '--no-dashboard']);
    const done = finished(coordinator);
    // The slow task's first attempt is on a worker and its agent is waiting on the model: kill that worker.
    await whileRunning(fixture.model.waitFor((r) => fileAsked(r) === 'b2.txt', 90_000), done, workers);
    killed = await until('the slow attempt placed on a worker', () => {
      const file = fixture.eventsFile();
      const placed = file === undefined ? undefined : events(file).find((e) => e.type === 'attempt.placed' && e.attemptId === 'PRD-B/T2#1');
      return placed?.type === 'attempt.placed' ? placed.worker : undefined;
    });
    await workers.find((w) => w.name === killed)!.kill('SIGKILL');
    // What a worker thought dead but only frozen would send once it woke: a report and an end for
    // the attempt the coordinator already settled. Neither may reach the log.
    await until('the dead attempt settled', () => (events(fixture.eventsFile()!).some((e) => e.type === 'attempt.finished' && e.attemptId === 'PRD-B/T2#1') ? true : undefined));
    const client = new Redis(redis.url);
    const runId = events(fixture.eventsFile()!)[0]!.runId;
    const late = { outcome: 'succeeded', costUsd: 9, costSource: 'reported', inputTokens: 1, outputTokens: 1, durationMs: 1 };
    await client.xadd(`orch:run:${runId}:reports`, '*', 'a', 'PRD-B/T2#1', 'n', '50', 'b', JSON.stringify({ kind: 'event', event: { type: 'attempt.activity', attemptId: 'PRD-B/T2#1', activity: { kind: 'text', text: 'LATE' } } }));
    await client.xadd(`orch:run:${runId}:reports`, '*', 'a', 'PRD-B/T2#1', 'n', '51', 'b', JSON.stringify({ kind: 'end', worker: killed, outcome: late }));
    client.disconnect();
    run = await done;
    log = events(fixture.eventsFile()!);
    snapshot = log.reduce<RunSnapshot | undefined>((s, e) => foldEvent(s, e), undefined)!;
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    // The killed worker's agent outlives it (its own process group) until a restarted worker of
    // that name clears it; here nobody restarts it.
    if (killed !== undefined) for (const pid of findMarkedProcesses(workerMarker({ name: killed, folder: join(dir, killed) }))) process.kill(pid, 'SIGKILL');
    await fixture?.model.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes the two-PRD roadmap with its attempts run by the workers', () => {
    assert.equal(run.code, 0, run.out);
    assert.equal(snapshot.state, 'completed');
    assert.equal(log.at(-1)?.type, 'run.finished', 'nothing of the workers is logged after the run\'s end');
    for (const attempt of Object.values(snapshot.attempts)) assert.ok(attempt.worker?.startsWith('w') === true, `${attempt.id} ran on a worker`);
  });

  it('verifies and merges every task exactly once, the killed worker\'s task on another worker', async () => {
    const tasks = ['PRD-A/T1', 'PRD-A/T2', 'PRD-A/T3', 'PRD-B/T1', 'PRD-B/T2'];
    for (const type of ['task.verified', 'task.merged'] as const) {
      assert.deepEqual(tasks.map((t) => log.filter((e) => e.type === type && e.taskId === t).length), tasks.map(() => 1), `one ${type} per task`);
    }
    const dead = snapshot.attempts['PRD-B/T2#1']!;
    assert.equal(dead.worker, killed);
    assert.equal(dead.failure, 'crashed');
    assert.equal(log.filter((e) => e.type === 'attempt.finished' && e.attemptId === 'PRD-B/T2#1').length, 1, 'the dead attempt settled once');
    assert.ok(!JSON.stringify(log).includes('LATE'), 'its late report was dropped');
    const next = snapshot.attempts['PRD-B/T2#2']!;
    assert.equal(next.state, 'succeeded');
    assert.notEqual(next.worker, killed, 'the next attempt ran on a live worker');
    const integration = (await gitOk(fixture.workspace, ['branch', '--format=%(refname:short)', '--list', 'orch/*/integration'])).trim();
    const files = (await gitOk(fixture.workspace, ['ls-tree', '-r', '--name-only', integration])).split('\n');
    for (const file of ['a1.txt', 'a2.txt', 'a3.txt', 'b1.txt', 'b2.txt']) assert.ok(files.includes(file), `${file} is on ${integration}`);
  });

  it('runs the task\'s checks on the worker that ran the attempt, never on the coordinator', () => {
    const ran = readFileSync(join(dir, 'checks-ran.txt'), 'utf8').trimEnd().split('\n');
    assert.equal(ran.length, 2, 'the failing first attempt and its rework, each checked once');
    for (const folder of ran) {
      assert.match(folder, new RegExp(`^${dir}/w[123]/worktrees/`), `${folder} is a worker's worktree`);
      assert.ok(!folder.startsWith(fixture.workspace), `${folder} is not the coordinator's`);
    }
  });

  it('a check failing on a worker raises a defect, and its rework verifies with the worker\'s results', () => {
    const defects = log.filter((e) => e.type === 'defect.raised' && e.taskId === 'PRD-A/T2');
    assert.equal(defects.length, 1);
    const defect = defects[0]!;
    assert.ok(defect.type === 'defect.raised' && defect.attemptId === 'PRD-A/T2#1');
    const failedCheck = defect.checks.find((c) => c.check.startsWith('command pwd'))!;
    assert.equal(failedCheck.passed, false);
    assert.match(failedCheck.detail, /^exit 1\nchecked in .*\/w[123]\/worktrees\//);
    assert.equal(snapshot.attempts['PRD-A/T2#2']?.state, 'succeeded');
    assert.equal(snapshot.tasks['PRD-A/T2']?.state, 'verified');
  });

  it('brings the worker\'s evidence files to the coordinator\'s evidence folder, named as locally, owner-only', () => {
    const evidence = join(fixture.workspace, '.orch', 'runs', snapshot.runId, 'evidence');
    const verified = log.find((e) => e.type === 'task.verified' && e.taskId === 'PRD-A/T2');
    assert.ok(verified?.type === 'task.verified');
    const passed = verified.checks.find((c) => c.check.startsWith('command pwd'))!;
    assert.equal(passed.evidencePath, join(evidence, 'PRD-A-T2-2-check2.log'));
    for (const [name, exit] of [['PRD-A-T2-1-check2.log', 1], ['PRD-A-T2-2-check2.log', 0]] as const) {
      const text = readFileSync(join(evidence, name), 'utf8');
      assert.match(text, new RegExp(`# cwd ${dir}/w[123]/worktrees/`), name);
      assert.match(text, new RegExp(`# exit ${exit} `), name);
      assert.equal(statSync(join(evidence, name)).mode & 0o777, 0o600, name);
    }
  });

  it('gives the workers\' worktrees the .worktreeinclude files, which no commit takes', async () => {
    const verified = log.find((e) => e.type === 'task.verified' && e.taskId === 'PRD-A/T1');
    assert.ok(verified?.type === 'task.verified');
    const check = verified.checks.find((c) => c.check === 'command grep -qx from-include local.env');
    assert.equal(check?.passed, true);
    assert.match(readFileSync(check.evidencePath!, 'utf8'), new RegExp(`# cwd ${dir}/w[123]/worktrees/`), 'it ran on a worker');
    const integration = (await gitOk(fixture.workspace, ['branch', '--format=%(refname:short)', '--list', 'orch/*/integration'])).trim();
    assert.ok(!(await gitOk(fixture.workspace, ['ls-tree', '-r', '--name-only', integration])).split('\n').includes('local.env'));
  });

  it('leaves no logged report on the run\'s stream', async () => {
    const client = new Redis(redis.url);
    try {
      // Everything was taken and fsynced: only the entry the read loop stopped at may stay.
      assert.ok((await client.xlen(`orch:run:${snapshot.runId}:reports`)) <= 1);
    } finally {
      client.disconnect();
    }
  });

  it('shows three workers, the killed one lost', () => {
    const workersSeen = snapshot.workers ?? {};
    assert.deepEqual(Object.keys(workersSeen).sort(), ['w1', 'w2', 'w3']);
    assert.equal(workersSeen[killed!]!.state, 'lost');
    assert.equal(log.filter((e) => e.type === 'worker.lost' && e.worker === killed).length, 1);
  });
});
