import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mock } from 'node:test';
import { useTempDir } from '../../../test/support/temp-dir';
import type { OrchEvent } from '../../protocol/events';
import { EventLog } from './event-log';
import { LogFollower, type LogFollowerOptions } from './log-follower';

function line(seq: number, at = `2026-01-01T00:00:${String(seq % 60).padStart(2, '0')}.000Z`): string {
  return `${JSON.stringify({ type: 'run.started', seq, at, runId: 'r1', roadmapFile: 'roadmap.md', milestones: [] })}\n`;
}

/** What a follower delivered and reported, and a way to wait until it delivered enough. */
function recorder(): {
  readonly seqs: number[];
  readonly problems: string[];
  readonly resets: number[];
  readonly options: Omit<LogFollowerOptions, 'pollMs'>;
  until(ok: () => boolean): Promise<void>;
} {
  const seqs: number[] = [];
  const problems: string[] = [];
  const resets: number[] = [];
  const waiters: { ok: () => boolean; resolve: () => void }[] = [];
  const settle = (): void => {
    for (const w of [...waiters]) {
      if (!w.ok()) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  return {
    seqs,
    problems,
    resets,
    options: {
      onEvents: (events: readonly OrchEvent[]) => {
        seqs.push(...events.map((e) => e.seq));
        settle();
      },
      onReset: () => resets.push(seqs.length),
      onProblem: (message) => {
        problems.push(message);
        settle();
      },
      onError: (error) => assert.fail(String(error)),
    },
    until: (ok) => (ok() ? Promise.resolve() : new Promise((resolve) => waiters.push({ ok, resolve }))),
  };
}

describe('LogFollower', () => {
  const dir = useTempDir('orch-log-follower-');
  const file = (): string => join(dir.path, 'events.jsonl');

  it('delivers what is there, then appends written in pieces, holding a half line back until its newline', async () => {
    writeFileSync(file(), line(1) + line(2));
    const r = recorder();
    const follower = new LogFollower(file(), r.options);
    try {
      await follower.start();
      assert.deepEqual(r.seqs, [1, 2]);
      const third = line(3);
      appendFileSync(file(), third.slice(0, 25));
      await follower.refresh();
      assert.deepEqual(r.seqs, [1, 2]);
      appendFileSync(file(), third.slice(25, 60));
      await follower.refresh();
      assert.deepEqual(r.seqs, [1, 2]);
      appendFileSync(file(), third.slice(60) + line(4) + line(5).slice(0, 10));
      await follower.refresh();
      assert.deepEqual(r.seqs, [1, 2, 3, 4]);
      appendFileSync(file(), line(5).slice(10));
      await r.until(() => r.seqs.length === 5);
      assert.deepEqual(r.seqs, [1, 2, 3, 4, 5]);
      assert.equal(follower.lastSeq, 5);
      assert.deepEqual(r.problems, []);
    } finally {
      follower.close();
    }
  });

  it('skips a duplicate silently and reports a gap or a line that is no event, by file:line, and goes on', async () => {
    writeFileSync(file(), line(1) + line(1) + line(3) + 'not json\n' + '{"type":"nope","seq":2}\n' + line(2));
    const r = recorder();
    const follower = new LogFollower(file(), r.options);
    try {
      await follower.start();
      assert.deepEqual(r.seqs, [1, 2]);
      assert.deepEqual(r.problems, [
        `${file()}:3: expected seq 2, found 3; skipped`,
        `${file()}:4: not valid JSON; skipped`,
        `${file()}:5: unknown event type "nope"; skipped`,
      ]);
    } finally {
      follower.close();
    }
  });

  it('reads a log its writer cut shorter again from the start, without delivering anything twice', async () => {
    const log = await EventLog.open(file(), 'r1');
    await log.append({ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] });
    await log.append({ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] });
    await log.close();
    // A complete but unparsable last line: the follower consumes (and reports) it, then the
    // writer's resume cuts it off, so the file ends up shorter than what was read.
    appendFileSync(file(), '{"type":"run.sta\n');
    const r = recorder();
    const follower = new LogFollower(file(), r.options);
    try {
      await follower.start();
      assert.deepEqual(r.seqs, [1, 2]);
      assert.deepEqual(r.problems, [`${file()}:3: not valid JSON; skipped`]);
      const resumed = await EventLog.open(file(), 'r1');
      assert.equal(resumed.recoveredTornTail, true);
      await resumed.append({ type: 'run.resumed' });
      await resumed.close();
      await r.until(() => r.seqs.length === 3);
      assert.deepEqual(r.seqs, [1, 2, 3]);
      assert.deepEqual(r.resets, []);
    } finally {
      follower.close();
    }
  });

  it('starts over, after onReset, when the file is replaced by another log', async () => {
    writeFileSync(file(), line(1) + line(2));
    const r = recorder();
    const follower = new LogFollower(file(), r.options);
    try {
      await follower.start();
      truncateSync(file(), 0);
      appendFileSync(file(), line(1, '2026-02-02T00:00:00.000Z'));
      await r.until(() => r.seqs.length === 3);
      assert.deepEqual(r.seqs, [1, 2, 1]);
      assert.deepEqual(r.resets, [2]);
      assert.equal(follower.lastSeq, 1);
    } finally {
      follower.close();
    }
  });

  it('is woken by the folder watch, without a poll, when the file appears and grows', async () => {
    const r = recorder();
    const follower = new LogFollower(file(), r.options);
    try {
      await follower.start();
      assert.deepEqual(r.seqs, []);
      writeFileSync(file(), line(1));
      await r.until(() => r.seqs.length === 1);
      appendFileSync(file(), line(2));
      await r.until(() => r.seqs.length === 2);
      assert.deepEqual(r.seqs, [1, 2]);
    } finally {
      follower.close();
    }
  });

  it('finds a log whose folder does not exist yet when polled', async () => {
    const nested = join(dir.path, 'runs', 'r1', 'events.jsonl');
    const r = recorder();
    const follower = new LogFollower(nested, { ...r.options, pollMs: 20 });
    try {
      await follower.start();
      mkdirSync(join(dir.path, 'runs', 'r1'), { recursive: true });
      writeFileSync(nested, line(1));
      await r.until(() => r.seqs.length === 1);
      appendFileSync(nested, line(2));
      await r.until(() => r.seqs.length === 2);
      assert.deepEqual(r.seqs, [1, 2]);
    } finally {
      follower.close();
    }
  });

  it('a refresh asked for during a read resolves only after a read that started later', async () => {
    writeFileSync(file(), line(1));
    const r = recorder();
    let during: Promise<void> | undefined;
    const follower = new LogFollower(file(), {
      ...r.options,
      onEvents: (events) => {
        r.options.onEvents(events);
        if (events[0]?.seq !== 1) return;
        appendFileSync(file(), line(2));
        during = follower.refresh();
      },
    });
    try {
      await follower.start();
      assert.ok(during !== undefined);
      await during;
      assert.deepEqual(r.seqs, [1, 2]);
    } finally {
      follower.close();
    }
  });

  it('delivers nothing once closed', async () => {
    writeFileSync(file(), line(1));
    const r = recorder();
    // The poll's clock is the test's: five periods pass at once instead of a wait for them.
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const follower = new LogFollower(file(), { ...r.options, pollMs: 10 });
      await follower.start();
      follower.close();
      appendFileSync(file(), line(2));
      mock.timers.tick(50);
      // A read the poll or the watcher had started would be joined here, not left running.
      await follower.refresh();
    } finally {
      mock.timers.reset();
    }
    assert.deepEqual(r.seqs, [1]);
  });
});
