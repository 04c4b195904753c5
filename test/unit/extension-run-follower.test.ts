import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventLog } from '../../src/orchestrator/events/event-log';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { RunFollower } from '../../src/extension/run-follower';
import { roadmapWith, task } from '../support/builders';
import { useTempDir } from '../support/temp-dir';

const roadmap = roadmapWith([{ milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2')] } }]);

/** Resolves with the first snapshot the follower reports that satisfies `ok`. */
function changes(): { follower: (file: string) => RunFollower; until: (ok: (s: RunSnapshot | undefined) => boolean) => Promise<RunSnapshot | undefined> } {
  const waiters: { ok: (s: RunSnapshot | undefined) => boolean; resolve: (s: RunSnapshot | undefined) => void }[] = [];
  let latest: RunSnapshot | undefined;
  return {
    follower: (file) =>
      new RunFollower(
        file,
        (s) => {
          latest = s;
          for (const w of [...waiters]) {
            if (!w.ok(s)) continue;
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(s);
          }
        },
        (error) => assert.fail(String(error)),
      ),
    until: (ok) => (ok(latest) ? Promise.resolve(latest) : new Promise((resolve) => waiters.push({ ok, resolve }))),
  };
}

describe('RunFollower', () => {
  const dir = useTempDir('orch-follow-');

  it('folds what is in the log, then each append as another process writes it', async () => {
    const file = join(dir.path, 'runs', 'r1', 'events.jsonl');
    const log = await EventLog.open(file, 'r1');
    await log.append({ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] });
    await log.append({ type: 'plan.loaded', roadmap });
    const c = changes();
    const follower = c.follower(file);
    try {
      await follower.start();
      assert.equal(follower.current?.lastSeq, 2);
      await log.append({ type: 'attempt.started', taskId: 'PRD-1/T1', attemptId: 'PRD-1/T1#1', agent: 'a', model: 'm', prompt: 'p' });
      const running = await c.until((s) => s?.tasks['PRD-1/T1']?.state === 'running');
      assert.equal(running?.lastSeq, 3);
      await log.append({ type: 'task.verified', taskId: 'PRD-1/T1', checks: [], basis: 'checks' });
      await c.until((s) => s?.tasks['PRD-1/T1']?.state === 'verified');
    } finally {
      follower.dispose();
      await log.close();
    }
  });

  it('waits for a log that does not exist yet, and leaves a half-written line for later', async () => {
    const runDir = join(dir.path, 'runs', 'r2');
    mkdirSync(runDir, { recursive: true });
    const file = join(runDir, 'events.jsonl');
    const c = changes();
    const follower = c.follower(file);
    try {
      await follower.start();
      assert.equal(follower.current, undefined);
      const started = JSON.stringify({ type: 'run.started', seq: 1, at: '2026-01-01T00:00:00.000Z', runId: 'r2', roadmapFile: 'x.md', milestones: [] });
      const plan = JSON.stringify({ type: 'plan.loaded', seq: 2, at: '2026-01-01T00:00:01.000Z', runId: 'r2', roadmap });
      writeFileSync(file, `${started}\n${plan.slice(0, 40)}`);
      const first = await c.until((s) => s !== undefined);
      assert.equal(first?.lastSeq, 1);
      assert.equal(first?.roadmap, undefined);
      appendFileSync(file, `${plan.slice(40)}\n`);
      const second = await c.until((s) => s?.lastSeq === 2);
      assert.deepEqual(second?.taskOrder, ['PRD-1/T1', 'PRD-1/T2']);
    } finally {
      follower.dispose();
    }
  });

  it('reads the log again from the start when its writer cut it shorter', async () => {
    const file = join(dir.path, 'runs', 'r3', 'events.jsonl');
    const log = await EventLog.open(file, 'r3');
    await log.append({ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] });
    await log.append({ type: 'plan.loaded', roadmap });
    await log.close();
    const c = changes();
    const follower = c.follower(file);
    try {
      await follower.start();
      assert.equal(follower.current?.lastSeq, 2);
      truncateSync(file, 0);
      appendFileSync(file, `${JSON.stringify({ type: 'run.started', seq: 1, at: '2026-01-02T00:00:00.000Z', runId: 'r3', roadmapFile: 'other.md', milestones: [] })}\n`);
      const again = await c.until((s) => s?.roadmapFile === 'other.md');
      assert.equal(again?.lastSeq, 1);
    } finally {
      follower.dispose();
    }
  });
});
