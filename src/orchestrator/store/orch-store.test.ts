import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { InputError } from '../errors';
import { OrchStore, ROUTING_KEPT_PER_BUCKET, type RoutingRecord } from './orch-store';

describe('OrchStore', () => {
  const tmp = useTempDir();

  it('starts empty, records runs, and reads them back from disk', async () => {
    const file = join(tmp.path, '.orch', 'orch.json');
    const store = await OrchStore.open(file);
    assert.equal(store.latestRun(), undefined);
    await store.upsertRun({ runId: 'a', roadmapFile: 'r.md', state: 'running', startedAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
    await store.upsertRun({ runId: 'b', roadmapFile: 'r.md', state: 'running', startedAt: '2026-01-02T00:00:00Z', updatedAt: '2026-01-02T00:00:00Z' });
    await store.upsertRun({ runId: 'a', roadmapFile: 'r.md', state: 'completed', startedAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-03T00:00:00Z' });
    const again = await OrchStore.open(file);
    assert.equal(again.runs.length, 2);
    assert.equal(again.latestRun()?.runId, 'b');
    assert.equal(again.runs.find((r) => r.runId === 'a')?.state, 'completed');
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { version: number }).version, 1);
  });

  it('refuses a damaged file instead of overwriting it with an empty index, naming the file and line', async () => {
    const file = join(tmp.path, 'orch.json');
    for (const [text, line] of [['{"version":1,"runs":[', 1], ['{\n  "version": 1,\n  "runs": [}\n', 3], ['', 1]] as const) {
      writeFileSync(file, text);
      await assert.rejects(OrchStore.open(file), (e: unknown) => e instanceof InputError && e.file === file && e.line === line && e.hint !== undefined);
      assert.equal(readFileSync(file, 'utf8'), text);
    }
  });

  it('refuses valid JSON that is not its index, naming what is wrong', async () => {
    const file = join(tmp.path, 'orch.json');
    for (const [text, why] of [['[1]', /^not a JSON object: /], ['{"version":1,"runs":{}}', /^"runs" is not a list: /], ['{"version":1,"runs":[],"routing":7}', /^"routing" is not a list: /]] as const) {
      writeFileSync(file, text);
      await assert.rejects(OrchStore.open(file), (e: unknown) => e instanceof InputError && why.test(e.message));
      assert.equal(readFileSync(file, 'utf8'), text);
    }
  });

  const record = (i: number, over: Partial<RoutingRecord> = {}): RoutingRecord => ({ runId: 'r1', taskId: `P/T${i}`, model: 'haiku', agent: 'backend-engineer', complexity: 0.1, firstPass: i % 2 === 0, costUsd: 0.01, at: '2026-01-01T00:00:00Z', ...over });

  it('keeps routing outcomes next to the run index, the newest per model and complexity band', async () => {
    const file = join(tmp.path, 'orch.json');
    const store = await OrchStore.open(file);
    // Another writer of the same file in this process (the run index) must not lose them.
    const index = await OrchStore.open(file);
    await Promise.all([
      ...Array.from({ length: ROUTING_KEPT_PER_BUCKET + 5 }, (_, i) => store.recordRouting(record(i))),
      store.recordRouting(record(99, { model: 'opus', complexity: 0.9 })),
      index.upsertRun({ runId: 'r1', roadmapFile: 'r.md', state: 'running', startedAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' }),
    ]);
    const again = await OrchStore.open(file);
    assert.equal(again.runs.length, 1);
    const haiku = again.routing.filter((r) => r.model === 'haiku');
    assert.equal(haiku.length, ROUTING_KEPT_PER_BUCKET);
    assert.deepEqual([haiku[0]?.taskId, haiku.at(-1)?.taskId], ['P/T5', `P/T${ROUTING_KEPT_PER_BUCKET + 4}`]);
    assert.deepEqual(again.routing.filter((r) => r.model === 'opus').map((r) => r.taskId), ['P/T99']);
    await again.recordRouting(record(99, { model: 'opus', complexity: 0.9, firstPass: true }));
    assert.deepEqual((await OrchStore.open(file)).routing.filter((r) => r.model === 'opus').map((r) => r.firstPass), [true]);
  });

  it('upserts a run\'s outcomes idempotently by run and task: writing them again counts none twice and leaves the file as it was', async () => {
    const file = join(tmp.path, 'orch.json');
    const store = await OrchStore.open(file);
    const earlier = record(1, { runId: 'r0', at: '2026-01-01T00:00:00Z' });
    const later = record(2, { runId: 'r2', at: '2026-01-03T00:00:00Z' });
    await store.upsertRouting([earlier, later]);
    const run = [record(3, { at: '2026-01-02T00:00:00Z' }), record(4, { at: '2026-01-02T00:00:01Z' })];
    await store.upsertRouting(run);
    const written = readFileSync(file, 'utf8');
    // A resume rebuilds the same outcomes from the log, stamped later: nothing changes.
    await store.upsertRouting(run.map((r) => ({ ...r, at: '2026-01-05T00:00:00Z' })));
    await store.upsertRouting(run);
    assert.equal(readFileSync(file, 'utf8'), written);
    const again = await OrchStore.open(file);
    assert.deepEqual(again.routing.map((r) => `${r.runId} ${r.taskId}`), ['r0 P/T1', 'r1 P/T3', 'r1 P/T4', 'r2 P/T2']);
  });

  it('adds an outcome missing from the file where its time puts it, and replaces one whose outcome changed', async () => {
    const file = join(tmp.path, 'orch.json');
    const store = await OrchStore.open(file);
    await store.upsertRouting([record(1, { at: '2026-01-01T00:00:00Z' }), record(3, { at: '2026-01-03T00:00:00Z' })]);
    // The killed run's T2 never reached the file; T3 was reworked since and now verified late.
    await store.upsertRouting([record(1, { at: '2026-01-01T00:00:00Z' }), record(2, { at: '2026-01-02T00:00:00Z' }), record(3, { at: '2026-01-04T00:00:00Z', costUsd: 0.5 })]);
    const again = await OrchStore.open(file);
    assert.deepEqual(again.routing.map((r) => [r.taskId, r.at, r.costUsd]), [
      ['P/T1', '2026-01-01T00:00:00Z', 0.01],
      ['P/T2', '2026-01-02T00:00:00Z', 0.01],
      ['P/T3', '2026-01-04T00:00:00Z', 0.5],
    ]);
  });

  it('drops a rebuilt outcome older than the newest kept in its band, and keeps the band\'s bound', async () => {
    const file = join(tmp.path, 'orch.json');
    const store = await OrchStore.open(file);
    await store.upsertRouting(Array.from({ length: ROUTING_KEPT_PER_BUCKET }, (_, i) => record(i, { runId: 'new', at: `2026-02-01T00:00:${String(i).padStart(2, '0')}Z` })));
    await store.upsertRouting([record(99, { runId: 'old', at: '2026-01-01T00:00:00Z' }), record(98, { runId: 'newest', at: '2026-03-01T00:00:00Z' })]);
    const routing = (await OrchStore.open(file)).routing;
    assert.equal(routing.length, ROUTING_KEPT_PER_BUCKET);
    assert.deepEqual([routing[0]?.taskId, routing.at(-1)?.runId], ['P/T1', 'newest']);
    assert.equal(routing.filter((r) => r.runId === 'old').length, 0);
  });

  it('refuses a file whose routing history is not Orch\'s, naming the file and the bad entry', async () => {
    const file = join(tmp.path, 'orch.json');
    const text = JSON.stringify({ version: 1, runs: [], routing: [record(1), { model: 'haiku' }] });
    writeFileSync(file, text);
    await assert.rejects(OrchStore.open(file), (e: unknown) => e instanceof InputError && e.file === file && /routing\[1\] is not a routing record: \{"model":"haiku"\}/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), text);
  });
});
