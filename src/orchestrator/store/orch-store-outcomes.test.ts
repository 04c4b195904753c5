import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { InputError } from '../errors';
import { OrchStore, OUTCOMES_KEPT } from './orch-store';
import { outcomeRecord } from '../../../test/support/outcome-records';

describe('OrchStore: the learning store (outcomes)', () => {
  const tmp = useTempDir();

  it('keeps attempt outcomes within their bound, dropping the oldest', async () => {
    const file = join(tmp.path, 'orch.json');
    const store = await OrchStore.open(file);
    await store.upsertOutcomes(Array.from({ length: OUTCOMES_KEPT + 50 }, (_, i) => outcomeRecord(i)));
    await store.upsertOutcomes([outcomeRecord(OUTCOMES_KEPT + 50)]);
    const kept = (await OrchStore.open(file)).outcomes;
    assert.equal(kept.length, OUTCOMES_KEPT);
    assert.deepEqual([kept[0]?.attemptId, kept.at(-1)?.attemptId], ['a51', `a${OUTCOMES_KEPT + 50}`]);
  });

  it('writes a run\'s outcomes again (a resume) without duplicates, and changes nothing when only their time differs', async () => {
    const file = join(tmp.path, 'orch.json');
    const store = await OrchStore.open(file);
    await store.upsertOutcomes([outcomeRecord(1), outcomeRecord(2), outcomeRecord(1, { runId: 'r0' })]);
    const written = readFileSync(file, 'utf8');
    await store.upsertOutcomes([outcomeRecord(2, { at: '2030-01-01T00:00:00Z' }), outcomeRecord(1)]);
    assert.equal(readFileSync(file, 'utf8'), written);
    await store.upsertOutcomes([outcomeRecord(2, { firstPass: false, defects: 1, taskState: 'blocked' })]);
    const again = (await OrchStore.open(file)).outcomes;
    assert.deepEqual(
      again.map((o) => [o.runId, o.attemptId, o.taskState]),
      [
        ['r1', 'a1', 'verified'],
        ['r0', 'a1', 'verified'],
        ['r1', 'a2', 'blocked'],
      ],
    );
  });

  it('resets outcomes and routing records, keeps runs and lessons, and says how many it removed', async () => {
    const file = join(tmp.path, 'orch.json');
    const store = await OrchStore.open(file);
    await store.upsertRun({ runId: 'r1', roadmapFile: 'r.md', state: 'completed', startedAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
    await store.upsertOutcomes([outcomeRecord(1), outcomeRecord(2)]);
    await store.recordRouting({ runId: 'r1', taskId: 'P/T1', model: 'haiku', agent: 'a', complexity: 0.1, firstPass: true, costUsd: 0.01, at: '2026-01-01T00:00:00Z' });
    assert.deepEqual(await store.resetLearning(), { outcomes: 2, routing: 1 });
    const again = await OrchStore.open(file);
    assert.deepEqual([again.outcomes.length, again.routing.length, again.runs.length], [0, 0, 1]);
    assert.deepEqual(await again.resetLearning(), { outcomes: 0, routing: 0 });
  });

  it('refuses a file whose outcomes are not outcomes, naming the first bad one', async () => {
    const file = join(tmp.path, 'orch.json');
    const text = JSON.stringify({ version: 1, runs: [], outcomes: [outcomeRecord(1), { runId: 'r1', durationMs: 'long' }] });
    writeFileSync(file, text);
    await assert.rejects(OrchStore.open(file), (e: unknown) => e instanceof InputError && /^outcomes\[1\] is not an attempt outcome: /.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), text);
  });
});
