import { strict as assert } from 'node:assert';
import type { NewEvent } from '../../src/protocol/events';
import { foldEvents } from '../../src/protocol/fold';
import { sampleRoadmap } from '../integration/server-harness';
import { changedFiles } from '../../webview/src/lib/changed-files';
import { sequenced } from '../support/builders';

function mergedTask(merged: NewEvent) {
  const run = foldEvents(sequenced('r', [{ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] }, { type: 'plan.loaded', roadmap: sampleRoadmap }, merged]));
  return run?.tasks['PRD-1/T1'];
}

describe('webview changed files: what a task\'s merge changed', () => {
  it('folds task.merged into the task, and lists each file with its counts and the totals', () => {
    const task = mergedTask({
      type: 'task.merged',
      taskId: 'PRD-1/T1',
      branch: 'orch/r/PRD-1-T1',
      files: ['src/a.ts', 'logo.png', 'README.md'],
      lines: [
        { file: 'src/a.ts', added: 12, removed: 3 },
        { file: 'logo.png', added: null, removed: null },
        { file: 'README.md', added: 1, removed: 1 },
      ],
    });
    assert.deepEqual(changedFiles(task?.changes), {
      rows: [
        { file: 'src/a.ts', added: 12, removed: 3 },
        { file: 'logo.png', added: null, removed: null },
        { file: 'README.md', added: 1, removed: 1 },
      ],
      totals: { added: 13, removed: 4, binary: 1 },
    });
  });

  it('lists the files without counts from a log written before lines were counted', () => {
    const task = mergedTask({ type: 'task.merged', taskId: 'PRD-1/T1', branch: 'b', files: ['a.txt'] });
    assert.deepEqual(changedFiles(task?.changes), { rows: [{ file: 'a.txt', added: undefined, removed: undefined }] });
  });

  it('keeps a counted file the file list missed, and marks a listed file git did not count', () => {
    const list = changedFiles({ files: ['a.txt', 'gone.txt'], lines: [{ file: 'a.txt', added: 2, removed: 0 }, { file: 'new.txt', added: 1, removed: 0 }] });
    assert.deepEqual(list?.rows.map((r) => [r.file, r.added]), [['a.txt', 2], ['gone.txt', undefined], ['new.txt', 1]]);
    assert.deepEqual(list?.totals, { added: 3, removed: 0, binary: 0 });
    assert.equal(changedFiles(undefined), undefined);
  });
});
