import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changedFiles, loadSnapshot, saveSnapshot, snapshotFiles } from './file-snapshot';

describe('file snapshots (what an attempt changed, without git)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orch-snapshot-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sees files added, modified, removed and relinked, and not those rewritten unchanged or in .orch, .git, node_modules', async () => {
    for (const d of ['src', '.orch/runs', '.git', 'node_modules/x']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'src', 'keep.ts'), 'same');
    writeFileSync(join(dir, 'src', 'edit.ts'), 'before');
    writeFileSync(join(dir, 'gone.txt'), 'x');
    symlinkSync('src/keep.ts', join(dir, 'link'));
    const before = await snapshotFiles(dir);
    assert.deepEqual(Object.keys(before).sort(), ['gone.txt', 'link', 'src/edit.ts', 'src/keep.ts']);

    writeFileSync(join(dir, 'src', 'keep.ts'), 'same');
    utimesSync(join(dir, 'src', 'keep.ts'), new Date(0), new Date(0));
    writeFileSync(join(dir, 'src', 'edit.ts'), 'after!');
    unlinkSync(join(dir, 'gone.txt'));
    unlinkSync(join(dir, 'link'));
    symlinkSync('src/edit.ts', join(dir, 'link'));
    writeFileSync(join(dir, 'new.md'), 'hello');
    writeFileSync(join(dir, '.orch', 'runs', 'events.jsonl'), '{}');
    writeFileSync(join(dir, '.git', 'index'), 'x');
    writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), 'x');

    assert.deepEqual(changedFiles(before, await snapshotFiles(dir)), ['gone.txt', 'link', 'new.md', 'src/edit.ts']);
  });

  it('keeps a snapshot on disk for a resume, and has none before it is saved', async () => {
    const file = join(dir, 'snap', 'T1.json');
    assert.equal(await loadSnapshot(file), undefined);
    writeFileSync(join(dir, 'a.txt'), 'a');
    const snapshot = await snapshotFiles(dir);
    await saveSnapshot(file, snapshot);
    assert.deepEqual(await loadSnapshot(file), snapshot);
  });
});
