import { strict as assert } from 'node:assert';
import type { CliIo } from '../../src/cli/cli-io';
import { runCli } from '../../src/cli/run-cli';
import { foldEvents } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { ageText, workerLines, workerRows, workersSummary } from '../../src/protocol/worker-summary';
import { sequenced } from '../support/builders';
import { useTempDir } from '../support/temp-dir';
import { threeWorkersRun } from '../support/workers-run';
import { writeRun } from '../integration/server-harness';
import { runTree } from '../../src/extension/model/run-tree';
import type { TreeNode } from '../../src/extension/model/tree-node';
import { needsClock } from '../../webview/src/lib/live-time';

function node(nodes: readonly TreeNode[], id: string): TreeNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const inner = node(n.children, id);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

const BEAT = '2026-01-01T00:10:00.000Z';
const NOW = Date.parse(BEAT) + 75_000;

function folded(): RunSnapshot {
  const run = foldEvents(sequenced('r', threeWorkersRun(BEAT)));
  assert.ok(run !== undefined);
  return run;
}

describe('workers of a distributed run', () => {
  describe('foldWorker', () => {
    it('keeps the latest heartbeat of each worker, marks the lost one and says which worker ran each attempt', () => {
      const run = folded();
      assert.deepEqual(Object.keys(run.workers ?? {}).sort(), ['w-alpha', 'w-beta', 'w-gamma']);
      assert.deepEqual(run.workers?.['w-alpha'], { name: 'w-alpha', host: 'host-a', pid: 101, slots: 2, slotsInUse: 1, lastHeartbeatAt: BEAT, state: 'alive' });
      assert.equal(run.workers?.['w-gamma']?.state, 'lost');
      assert.equal(run.workers?.['w-gamma']?.slotsInUse, 0);
      assert.equal(run.workers?.['w-gamma']?.lostReason, 'no heartbeat for 60 s');
      assert.deepEqual([run.attempts['PRD-2/T1#1']?.worker, run.attempts['PRD-2/T1#1']?.workerHost], ['w-gamma', 'host-c']);
      assert.deepEqual([run.attempts['PRD-2/T1#2']?.worker, run.attempts['PRD-2/T1#2']?.workerHost], ['w-beta', 'host-b']);
    });

    it('a worker seen again after it was lost is alive again; events about unknown workers or attempts change nothing', () => {
      const events = threeWorkersRun(BEAT);
      const before = foldEvents(sequenced('r', events));
      const after = foldEvents(
        sequenced('r', [
          ...events,
          { type: 'worker.lost', worker: 'w-nobody', reason: 'left' },
          { type: 'attempt.placed', attemptId: 'PRD-9/T9#1', worker: 'w-alpha', host: 'host-a', jobId: 'job-9' },
        ]),
      );
      assert.deepEqual({ ...after, lastSeq: 0, updatedAt: '' }, { ...before, lastSeq: 0, updatedAt: '' });
      const back = foldEvents(sequenced('r', [...events, { type: 'worker.seen', worker: 'w-gamma', host: 'host-c', pid: 404, slots: 1, slotsInUse: 0, heartbeatAt: BEAT }]));
      assert.equal(back?.workers?.['w-gamma']?.state, 'alive');
      assert.equal(back?.workers?.['w-gamma']?.lostReason, undefined);
      assert.equal(back?.workers?.['w-gamma']?.pid, 404);
    });

    it('a one-process run has no workers', () => {
      const run = foldEvents(sequenced('r', threeWorkersRun(BEAT).filter((e) => !e.type.startsWith('worker.') && e.type !== 'attempt.placed')));
      assert.equal(run?.workers, undefined);
      assert.equal(run?.attempts['PRD-1/T1#1']?.worker, undefined);
      assert.deepEqual(workerRows(run!, NOW), []);
      assert.deepEqual(workerLines([]), []);
    });
  });

  describe('workerRows and workerLines', () => {
    it('lists alive workers first with heartbeat age, running attempts and attempts taken', () => {
      const rows = workerRows(folded(), NOW);
      assert.deepEqual(rows.map((r) => [r.name, r.state, r.heartbeatAgeSec, r.running, r.attemptsTaken]), [
        ['w-alpha', 'alive', 75, ['PRD-1/T1#1'], 1],
        ['w-beta', 'alive', 75, ['PRD-2/T1#2'], 1],
        ['w-gamma', 'lost', 75, [], 1],
      ]);
      assert.deepEqual(workersSummary(rows), { alive: 2, lost: 1, slots: 4, slotsInUse: 2 });
      assert.deepEqual(workerLines(rows), [
        'workers: 3 (2 alive, 1 lost), 2/4 slots in use',
        '  w-alpha  host-a  pid 101  1/2 slots  heartbeat 1 min ago  alive  running PRD-1/T1#1, 1 attempt(s) taken',
        '  w-beta   host-b  pid 202  1/2 slots  heartbeat 1 min ago  alive  running PRD-2/T1#2, 1 attempt(s) taken',
        '  w-gamma  host-c  pid 303  0/1 slots  heartbeat 1 min ago  lost (no heartbeat for 60 s)  nothing running, 1 attempt(s) taken',
      ]);
    });

    it('a worker clock ahead of ours reads as a fresh heartbeat, an unreadable one as unknown', () => {
      const run = folded();
      assert.equal(workerRows(run, Date.parse(BEAT) - 5000)[0]?.heartbeatAgeSec, 0);
      const odd: RunSnapshot = { ...run, workers: { w: { name: 'w', host: 'h', pid: 1, slots: 1, slotsInUse: 0, lastHeartbeatAt: 'yesterday', state: 'alive' } } };
      assert.equal(workerRows(odd, NOW)[0]?.heartbeatAgeSec, null);
      assert.match(workerLines(workerRows(odd, NOW))[1] ?? '', /heartbeat unknown ago/);
    });

    it('ageText reads coarsely', () => {
      assert.deepEqual([0, 59, 60, 3599, 3600, 3660, 86_400, 90_000].map(ageText), ['0 s', '59 s', '1 min', '59 min', '1 h', '1 h 1 min', '1 d', '1 d 1 h']);
    });
  });

  it('the VS Code tree names the worker on an attempt, and says nothing of workers in a one-process run', () => {
    const tree = runTree(folded());
    const placed = node(tree, 'attempt:PRD-2/T1#2');
    assert.equal(placed?.description, 'running · opus · $0.00 · w-beta');
    assert.match(placed?.tooltip ?? '', /\nWorker: w-beta on host-b\n/);
    const local = node(runTree(foldEvents(sequenced('r', threeWorkersRun(BEAT).filter((e) => e.type !== 'attempt.placed')))!), 'attempt:PRD-2/T1#2');
    assert.doesNotMatch(local?.tooltip ?? 'missing', /Worker/);
  });

  it('the dashboard clock keeps ticking while a worker is alive, so heartbeat ages grow with no attempt running', () => {
    const idle = threeWorkersRun(BEAT).filter((e) => e.type !== 'attempt.started' && e.type !== 'attempt.placed' && e.type !== 'attempt.finished');
    assert.equal(needsClock(foldEvents(sequenced('r', idle))), true);
    const allLost = [...idle, { type: 'worker.lost', worker: 'w-alpha', reason: 'left' }, { type: 'worker.lost', worker: 'w-beta', reason: 'left' }] as const;
    assert.equal(needsClock(foldEvents(sequenced('r', allLost))), false);
  });

  describe('orch status', () => {
    const dir = useTempDir('orch-workers-status-');
    const RUN_ID = '20260101T001000-abcdef';

    async function status(args: readonly string[]): Promise<string[]> {
      const stdout: string[] = [];
      const stderr: string[] = [];
      const io: CliIo = { cwd: dir.path, env: {}, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
      assert.equal(await runCli(['status', ...args], io), 0, stderr.join('\n'));
      return stdout;
    }

    it('prints a workers section and adds `workers` to --json', async () => {
      const log = await writeRun(dir.path, RUN_ID, threeWorkersRun(new Date().toISOString()));
      await log.close();
      const text = (await status([RUN_ID])).join('\n');
      assert.match(text, /^ {2}workers: 3 \(2 alive, 1 lost\), 2\/4 slots in use$/m);
      assert.match(text, /^ {4}w-alpha {2}host-a {2}pid 101 {2}1\/2 slots {2}heartbeat \d+ s ago {2}alive {2}running PRD-1\/T1#1, 1 attempt\(s\) taken$/m);
      assert.match(text, /^ {4}w-gamma .*lost \(no heartbeat for 60 s\)/m);
      const json = JSON.parse((await status([RUN_ID, '--json'])).join('\n')) as { workers: { name: string; host: string; state: string; running: string[]; slots: number; slotsInUse: number; heartbeatAgeSec: number }[] };
      assert.deepEqual(json.workers.map((w) => [w.name, w.host, w.state, w.running, w.slotsInUse, w.slots]), [
        ['w-alpha', 'host-a', 'alive', ['PRD-1/T1#1'], 1, 2],
        ['w-beta', 'host-b', 'alive', ['PRD-2/T1#2'], 1, 2],
        ['w-gamma', 'host-c', 'lost', [], 0, 1],
      ]);
      assert.ok(json.workers.every((w) => typeof w.heartbeatAgeSec === 'number' && w.heartbeatAgeSec >= 0));
    });
  });
});
