import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { InputError } from '../errors';
import { LESSONS_KEPT, OrchStore, type LessonRecord } from './orch-store';

const lesson = (i: number, runId = 'r1'): LessonRecord => ({ runId, defectId: `D${i}`, taskId: 'P/T1', taskTitle: 't', agent: 'backend-engineer', category: 'c', wrong: 'w', fixed: 'f', at: '2026-01-01T00:00:00Z' });

describe('OrchStore lessons', () => {
  const tmp = useTempDir();

  it('keeps lessons next to the runs, once per run and defect, the newest when there are too many', async () => {
    const file = join(tmp.path, 'orch.json');
    const store = await OrchStore.open(file);
    await store.upsertRun({ runId: 'r1', roadmapFile: 'r.md', state: 'running', startedAt: 'a', updatedAt: 'a' });
    await store.addLessons([lesson(1), lesson(2)]);
    await store.addLessons([lesson(2)]);
    const again = await OrchStore.open(file);
    assert.deepEqual(again.lessons.map((l) => l.defectId), ['D1', 'D2']);
    assert.equal(again.runs.length, 1);
    await again.addLessons(Array.from({ length: LESSONS_KEPT + 3 }, (_, i) => lesson(i, 'r2')));
    const kept = (await OrchStore.open(file)).lessons;
    assert.equal(kept.length, LESSONS_KEPT);
    assert.equal(kept.at(-1)?.defectId, `D${LESSONS_KEPT + 2}`);
  });

  it('refuses a file whose lessons are not Orch\'s, naming the entry', async () => {
    const file = join(tmp.path, 'orch.json');
    const text = JSON.stringify({ version: 1, runs: [], lessons: [lesson(1), { category: 'x' }] });
    writeFileSync(file, text);
    await assert.rejects(OrchStore.open(file), (e: unknown) => e instanceof InputError && /lessons\[1\] is not a lesson: \{"category":"x"\}/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), text);
  });
});
