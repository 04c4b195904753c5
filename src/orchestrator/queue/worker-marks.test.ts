import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { workerMarker, workerMarks } from './worker-marks';

describe('worker marks', () => {
  it('tell apart two workers of one name by their folders, so one never clears the other\'s agents', () => {
    assert.notEqual(workerMarker({ name: 'w1', folder: '/tmp/a/w1' }), workerMarker({ name: 'w1', folder: '/tmp/b/w1' }));
    assert.equal(workerMarker({ name: 'w1', folder: '/tmp/a/w1' }), workerMarker({ name: 'renamed', folder: '/tmp/a/./w1/' }));
  });

  it('mark with the absolute folder, so a worker started from elsewhere with a relative --folder finds them', () => {
    assert.deepEqual(workerMarks({ name: 'w1', folder: 'rel/w1' }), { ORCH_WORKER: 'w1', ORCH_WORKER_FOLDER: resolve('rel/w1') });
  });
});
