import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { InputError } from '../errors';
import { EventLog } from './event-log';
import { readEventLog } from './read-event-log';

const fixedClock = { now: () => new Date('2026-01-01T00:00:00.000Z') };

describe('EventLog', () => {
  const tmp = useTempDir();
  const file = () => join(tmp.path, 'runs', 'r1', 'events.jsonl');

  it('assigns gap-free sequence numbers and the envelope, and persists every event', async () => {
    const log = await EventLog.open(file(), 'r1', fixedClock);
    const first = await log.append({ type: 'warning.raised', message: 'one' });
    const second = await log.append({ type: 'warning.raised', message: 'two' });
    await log.close();
    assert.deepEqual([first.seq, second.seq], [1, 2]);
    assert.equal(first.runId, 'r1');
    assert.equal(first.at, '2026-01-01T00:00:00.000Z');
    const lines = readFileSync(file(), 'utf8').trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { message: string }).message), ['one', 'two']);
  });

  it('writes a burst of appends in order, each resolved only when written', async () => {
    const log = await EventLog.open(file(), 'r1');
    const written = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append({ type: 'warning.raised', message: `m${i}` })));
    assert.deepEqual(written.map((e) => e.seq), Array.from({ length: 200 }, (_, i) => i + 1));
    const { events } = await readEventLog(file());
    assert.equal(events.length, 200);
    assert.equal((events[199] as { message: string }).message, 'm199');
    await log.close();
  });

  it('continues the sequence after reopening', async () => {
    const log = await EventLog.open(file(), 'r1');
    await log.append({ type: 'warning.raised', message: 'before' });
    await log.close();
    const again = await EventLog.open(file(), 'r1');
    const next = await again.append({ type: 'warning.raised', message: 'after' });
    await again.close();
    assert.equal(next.seq, 2);
    assert.equal(again.events.length, 2);
  });

  it('notifies subscribers in order', async () => {
    const log = await EventLog.open(file(), 'r1');
    const seen: number[] = [];
    const stop = log.subscribe((e) => seen.push(e.seq));
    await log.append({ type: 'warning.raised', message: 'a' });
    stop();
    await log.append({ type: 'warning.raised', message: 'b' });
    await log.close();
    assert.deepEqual(seen, [1]);
  });

  it('ignores a torn last line on read and cuts it off when a writer reopens', async () => {
    const log = await EventLog.open(file(), 'r1');
    await log.append({ type: 'warning.raised', message: 'kept' });
    await log.close();
    const torn = '{"type":"warning.raised","seq":2,"at":"x","runId":"r1","mess';
    appendFileSync(file(), torn);

    const read = await readEventLog(file());
    assert.equal(read.events.length, 1);
    assert.deepEqual(read.tornTail, { line: 2, bytes: torn.length });

    const reopened = await EventLog.open(file(), 'r1');
    assert.equal(reopened.recoveredTornTail, true);
    const next = await reopened.append({ type: 'warning.raised', message: 'new' });
    await reopened.close();
    assert.equal(next.seq, 2);
    const lines = readFileSync(file(), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.equal((JSON.parse(lines[1] as string) as { message: string }).message, 'new');
  });

  it('treats a complete but unparsable last line as torn too', async () => {
    const log = await EventLog.open(file(), 'r1');
    await log.append({ type: 'warning.raised', message: 'ok' });
    await log.close();
    appendFileSync(file(), 'garbage\n');
    const read = await readEventLog(file());
    assert.equal(read.events.length, 1);
    assert.equal(read.tornTail?.line, 2);
  });

  it('refuses a log damaged before its last line, naming file and line', async () => {
    const log = await EventLog.open(file(), 'r1');
    await log.append({ type: 'warning.raised', message: 'a' });
    await log.close();
    appendFileSync(file(), 'not json\n{"type":"warning.raised","seq":3,"at":"x","runId":"r1","message":"c"}\n');
    await assert.rejects(readEventLog(file()), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.line, 2);
      assert.match(error.format(), /events\.jsonl:2: corrupt event log: not valid JSON/);
      return true;
    });
  });

  it('refuses a sequence gap', async () => {
    const log = await EventLog.open(file(), 'r1');
    await log.append({ type: 'warning.raised', message: 'a' });
    await log.close();
    appendFileSync(file(), '{"type":"warning.raised","seq":5,"at":"x","runId":"r1","message":"c"}\n');
    await assert.rejects(readEventLog(file()), /expected seq 2, found 5/);
  });

  it('keeps every acknowledged event when the writing process is killed with SIGKILL', async function () {
    this.timeout(60_000);
    // A child appends as fast as it can and reports each acknowledged seq on stdout; we kill it
    // mid-stream and check that every acknowledged event is in the log and the log still opens.
    const script = `
      const { EventLog } = require(${JSON.stringify(join(__dirname, 'event-log.ts'))});
      (async () => {
        const log = await EventLog.open(process.argv[1], 'r1');
        for (let i = 0; ; i++) {
          const e = await log.append({ type: 'warning.raised', message: 'x'.repeat(i % 500) });
          process.stdout.write(e.seq + '\\n');
        }
      })();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, file()], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acknowledged = 0;
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        const seqs = chunk.trim().split('\n').map(Number);
        acknowledged = Math.max(acknowledged, ...seqs);
        if (acknowledged >= 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.on('exit', resolve));
    const read = await readEventLog(file());
    assert.ok(read.events.length >= acknowledged, `log has ${read.events.length} events, ${acknowledged} were acknowledged`);
    const reopened = await EventLog.open(file(), 'r1');
    const next = await reopened.append({ type: 'warning.raised', message: 'after crash' });
    await reopened.close();
    assert.equal(next.seq, read.events.length + 1);
  });
});
