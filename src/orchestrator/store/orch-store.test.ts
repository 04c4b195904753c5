import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { OrchStore } from './orch-store';

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
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).version, 1);
  });

  it('refuses a damaged file instead of overwriting it with an empty index', async () => {
    const file = join(tmp.path, 'orch.json');
    writeFileSync(file, '{"version":1,"runs":[');
    await assert.rejects(OrchStore.open(file), SyntaxError);
    assert.equal(readFileSync(file, 'utf8'), '{"version":1,"runs":[');
  });
});
