// A worker finishes an attempt before the coordinator has read a single one of its reports (the
// coordinator lags behind the report stream, as on a loaded machine with many workers). The job is
// then done, not lost: checking job states must not enqueue the same attempt again, since a second
// run would push over the first one's reported commit. Real redis-server, a real `QueueWorker` with
// the stand-in agent, real git; the lag is made deterministic by holding the coordinator's read loop
// on its first entry (a malformed report whose warning the test holds back), not by sleeping.

import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { gitOk } from '../../src/orchestrator/engine/git';
import { EventLog } from '../../src/orchestrator/events/event-log';
import { attemptRef, ensureCodeRemote, pushAttemptWork } from '../../src/orchestrator/queue/code-remote';
import { parseQueueUrl, type QueueAddress } from '../../src/orchestrator/queue/queue-connection';
import { keys, parseReport, QUEUE_NAME, type Report } from '../../src/orchestrator/queue/queue-protocol';
import { QueueRunner } from '../../src/orchestrator/queue/queue-runner';
import { QueueWorker } from '../../src/orchestrator/queue/queue-worker';
import type { AttemptOutcome, NewEvent } from '../../src/protocol/events';
import { setGitIdentity } from '../support/engine-fixture';
import { startRedisServer, type RedisServer } from '../support/redis-server';

const STAND_IN = resolve(__dirname, '../../bench/support/stand-in-cli.mjs');
const RUN_ID = 'run-lagging-coordinator';
const ATTEMPT = 'PRD-L/T1#1';
const JOB_ID = `${RUN_ID}/${ATTEMPT}`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 120_000): Promise<T> {
  for (let waited = 0; waited < limitMs; waited += 100) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`never saw ${what}`);
}

describe('queue: a worker that finishes before the coordinator reads its reports', function () {
  this.timeout(180_000);
  let dir: string;
  let ws: string;
  let redis: RedisServer;
  let address: QueueAddress;
  let client: Redis;
  let queue: Queue;
  let runner: QueueRunner;
  let worker: QueueWorker;
  let release: () => void = () => undefined;
  let outcome: Promise<AttemptOutcome>;

  const reports = async (): Promise<Report[]> =>
    (await client.xrange(keys.reports(RUN_ID), '-', '+')).map(([id, fields]) => parseReport(id, fields)).filter((r): r is Report => !('error' in r) && r.attemptId === ATTEMPT);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-queue-lag-'));
    redis = await startRedisServer();
    address = parseQueueUrl(redis.url);
    client = new Redis(address.options);
    queue = new Queue(QUEUE_NAME, { connection: address.bullmq });
    ws = join(dir, 'ws');
    mkdirSync(ws);
    await gitOk(ws, ['init', '-q', '-b', 'main']);
    await setGitIdentity(ws);
    writeFileSync(join(ws, 'README.md'), 'lagging coordinator\n');
    await gitOk(ws, ['add', '-A']);
    await gitOk(ws, ['commit', '-q', '-m', 'start']);
    mkdirSync(join(ws, '.orch'));
    writeFileSync(join(ws, '.git', 'info', 'exclude'), '.orch/\n');

    const log = await EventLog.open(join(dir, 'events.jsonl'), RUN_ID);
    const held = new Promise<void>((r) => (release = r));
    const append = log.append.bind(log);
    log.append = async (event) => {
      if (event.type === 'warning.raised') await held;
      return append(event);
    };
    // The first entry the read loop meets: its warning waits for `release`, and so does the loop.
    await client.xadd(keys.reports(RUN_ID), '*', 'a', ATTEMPT);
    runner = new QueueRunner({ address, orchDir: join(ws, '.orch'), pollMs: 3_600_000, local: () => Promise.reject(new Error('nothing runs locally here')) });
    runner.attach(log);
    const emitted: NewEvent[] = [];
    outcome = runner.run(
      { attemptId: ATTEMPT, taskId: 'PRD-L/T1', systemPrompt: 'stand-in', prompt: 'Make sure the file `out.txt` exists.', model: 'sonnet', allowedTools: ['Write'], permissionMode: 'acceptEdits', cwd: ws, env: {}, claudePath: STAND_IN, artifactsDir: join(dir, 'artifacts'), timeoutSec: 120, inactivityTimeoutSec: 60 },
      (event) => void emitted.push(event),
    );
    const home = join(dir, 'home');
    mkdirSync(home);
    // A name of its own: a worker kills leftover agents marked with its name when it starts.
    worker = new QueueWorker({ address, name: `lag-${process.pid}`, folder: join(dir, 'worker'), slots: 1, claudePath: STAND_IN, env: { ...process.env, HOME: home, STAND_IN_PACE_MS: '10', STAND_IN_STEPS: '1' } });
    await worker.start();
    await until('the worker finish the job', async () => ((await reports()).some((r) => r.body.kind === 'end') && (await queue.getJobState(JOB_ID)) !== 'active' ? true : undefined));
  });

  after(async () => {
    release();
    await worker?.stop(true);
    await runner?.close();
    await queue?.close();
    client?.disconnect();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the finished job, so adding it again under its id is a no-op', async () => {
    await runner.checkJobs();
    assert.equal(await queue.getJobState(JOB_ID), 'completed');
  });

  it('does not enqueue again a job that is gone while its reports are still unread', async () => {
    // As when the kept job has aged out before a very late coordinator got to it.
    await queue.remove(JOB_ID);
    await runner.checkJobs();
    assert.equal(await queue.getJobState(JOB_ID), 'unknown');
  });

  it('settles the attempt with the commit the worker reported, which it ran once', async () => {
    release();
    const result = await outcome;
    assert.equal(result.outcome, 'succeeded', result.message);
    const all = await reports();
    assert.equal(all.filter((r) => r.body.kind === 'placed').length, 1, 'the attempt ran on one worker, once');
    const end = all.find((r) => r.body.kind === 'end');
    const commit = end?.body.kind === 'end' ? end.body.commit : undefined;
    assert.ok(commit !== undefined);
    assert.equal((await gitOk(ws, ['rev-parse', 'HEAD'])).trim(), commit);
    assert.equal((await gitOk(ws, ['show', '--format=', '--name-only', 'HEAD'])).trim(), 'out.txt');
  });

  it('refuses to push a second run of an attempt over its reported work', async () => {
    const remote = await ensureCodeRemote(join(ws, '.orch'));
    const before = (await gitOk(remote, ['rev-parse', attemptRef(ATTEMPT)])).trim();
    writeFileSync(join(ws, 'other.txt'), 'a second run\n');
    await gitOk(ws, ['add', 'other.txt']);
    await gitOk(ws, ['commit', '-q', '-m', 'a second run of the same attempt']);
    const second = (await gitOk(ws, ['rev-parse', 'HEAD'])).trim();
    await assert.rejects(pushAttemptWork(ws, remote, ATTEMPT, second, `orch/${RUN_ID}/PRD-L-T1`), /stale info|rejected/);
    assert.equal((await gitOk(remote, ['rev-parse', attemptRef(ATTEMPT)])).trim(), before);
    assert.notEqual((await gitOk(remote, ['rev-parse', `refs/heads/orch/${RUN_ID}/PRD-L-T1`])).trim(), second, 'the branch did not move either');
  });
});
