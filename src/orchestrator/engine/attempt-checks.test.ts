import { strict as assert } from 'node:assert';
import type { CheckResult } from '../../protocol/events';
import { checksToRunHere } from './attempt-checks';

const passed = (check: string): CheckResult => ({ check, passed: true, detail: 'exit 0' });

describe('which checks the coordinator runs itself', () => {
  it('runs them all without a worker\'s results (a local attempt, an older worker, a resumed coordinator)', () => {
    assert.deepEqual([...checksToRunHere(3, undefined)], [0, 1, 2]);
  });

  it('runs them all when the worker\'s results do not match the task\'s checks', () => {
    assert.deepEqual([...checksToRunHere(2, [[passed('a')]])], [0, 1]);
  });

  it('takes the worker\'s results, failed ones included, and runs here only what the worker could not run', () => {
    const failed: CheckResult = { check: 'command false', passed: false, detail: 'exit 1' };
    const noBrowser: CheckResult = { check: 'browser index.html (webkit)', passed: false, detail: 'WebKitWebDriver not found', unavailable: true };
    assert.deepEqual([...checksToRunHere(2, [[passed('a')], [failed]])], []);
    assert.deepEqual([...checksToRunHere(3, [[failed], [passed('chromium'), noBrowser], []])], [1, 2]);
  });
});
