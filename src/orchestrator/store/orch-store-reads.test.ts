import { strict as assert } from 'node:assert';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { useTempDir } from '../../../test/support/temp-dir';
import { OrchStore, type OrchData, type RoutingRecord } from './orch-store';
import { outcomeRecord } from '../../../test/support/outcome-records';

const routing: RoutingRecord = { runId: 'r1', taskId: 'P/T1', model: 'haiku', agent: 'a', complexity: 0.1, firstPass: true, costUsd: 0.01, at: '2026-01-01T00:00:01Z' };

/** Counts lowdb's file reads (the parse a store avoids) until `restore`. */
function countReads(): { count(): number; restore(): void } {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- counted, then called with the store's own `this`
  const read = Low.prototype.read;
  let reads = 0;
  Low.prototype.read = function (this: Low<OrchData>) {
    reads += 1;
    return read.call(this);
  };
  return { count: () => reads, restore: () => void (Low.prototype.read = read) };
}

describe('OrchStore: reads and writes per update', () => {
  const tmp = useTempDir();

  it('reads the file again only after another writer changed it, never losing that writer\'s records', async () => {
    const file = join(tmp.path, 'orch.json');
    const mine = await OrchStore.open(file);
    const other = await OrchStore.open(file);
    const reads = countReads();
    try {
      for (let i = 1; i <= 3; i++) await mine.upsertOutcomes([outcomeRecord(i, { runId: 'r1' })]);
      assert.equal(reads.count(), 0, 'its own writes need no reading back');
      await other.upsertOutcomes([outcomeRecord(1, { runId: 'r2' })]);
      assert.equal(reads.count(), 1, 'the other store read what the first wrote');
      await mine.upsertOutcomes([outcomeRecord(4, { runId: 'r1' })]);
      assert.equal(reads.count(), 2, 'and the first read what the other wrote');
    } finally {
      reads.restore();
    }
    const kept = (JSON.parse(readFileSync(file, 'utf8')) as OrchData).outcomes?.map((o) => `${o.runId}/${o.attemptId}`);
    assert.deepEqual(kept?.sort(), ['r1/a1', 'r1/a2', 'r1/a3', 'r1/a4', 'r2/a1']);
  });

  it('opens a file unchanged since this process last read or wrote it without parsing it again, and reads one changed since', async () => {
    const file = join(tmp.path, 'orch.json');
    await (await OrchStore.open(file)).upsertOutcomes([outcomeRecord(1, { runId: 'r1' })]);
    const reads = countReads();
    try {
      const again = await OrchStore.open(file);
      assert.equal(reads.count(), 0, 'its own write is known');
      assert.deepEqual(again.outcomes.map((o) => `${o.runId}/${o.attemptId}`), ['r1/a1']);
      // Another process's write (a new file renamed into place, as lowdb does): read at the next open.
      const data = JSON.parse(readFileSync(file, 'utf8')) as OrchData;
      writeFileSync(`${file}.other`, JSON.stringify({ ...data, outcomes: [...(data.outcomes ?? []), outcomeRecord(2, { runId: 'r2' })] }));
      renameSync(`${file}.other`, file);
      const changed = await OrchStore.open(file);
      assert.equal(reads.count(), 1);
      assert.deepEqual(changed.outcomes.map((o) => `${o.runId}/${o.attemptId}`), ['r1/a1', 'r2/a2']);
      await OrchStore.open(file);
      assert.equal(reads.count(), 1, 'and once read, it is known too');
    } finally {
      reads.restore();
    }
  });

  it('records a finished task\'s routing outcome and its attempts\' outcomes in one write', async () => {
    const file = join(tmp.path, 'orch.json');
    const store = await OrchStore.open(file);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- counted, then called with the store's own `this`
    const write = Low.prototype.write;
    let writes = 0;
    Low.prototype.write = function (this: Low<OrchData>) {
      writes += 1;
      return write.call(this);
    };
    try {
      await store.recordTaskEnd(routing, [outcomeRecord(1, { runId: 'r1' })]);
    } finally {
      Low.prototype.write = write;
    }
    assert.equal(writes, 1);
    const again = await OrchStore.open(file);
    assert.deepEqual(again.routing, [routing]);
    assert.deepEqual(again.outcomes.map((o) => o.attemptId), ['a1']);
  });
});
