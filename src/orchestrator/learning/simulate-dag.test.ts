import { strict as assert } from 'node:assert';
import { rollUp, wallTime, type SimTask } from './simulate-dag';

const exact = (ms: number) => ({ p50: ms, lo: ms, hi: ms });
const task = (id: string, ms: number, after: string[] = [], phaseIndex = 0, risk = 0): SimTask => ({ id, durationMs: exact(ms), costUsd: exact(1), risk, after, phaseIndex });

describe('the DAG simulation', () => {
  it('runs independent tasks side by side up to the parallelism, and a chain one after another', () => {
    const four = ['a', 'b', 'c', 'd'].map((id) => task(id, 10));
    assert.equal(wallTime(four, [10, 10, 10, 10], 4), 10);
    assert.equal(wallTime(four, [10, 10, 10, 10], 2), 20);
    assert.equal(wallTime(four, [10, 10, 10, 10], 1), 40);
    const chain = [task('a', 10), task('b', 5, ['a']), task('c', 1, ['b'])];
    assert.equal(wallTime(chain, [10, 5, 1], 8), 16);
  });

  it('starts the longer chain first, as the scheduler does, and an earlier phase before a later one', () => {
    // Two slots: the long chain a→b must start at once, or the run takes longer.
    const tasks = [task('x', 10), task('y', 10), task('a', 10), task('b', 30, ['a'])];
    assert.equal(wallTime(tasks, [10, 10, 10, 30], 2), 40);
    const gated = [task('late', 10, [], 1), task('early', 10, [], 0)];
    assert.equal(wallTime(gated, [10, 10], 1), 20);
  });

  it('ignores dependencies outside the tasks given (done already) and stops on a cycle instead of hanging', () => {
    assert.equal(wallTime([task('a', 5, ['elsewhere'])], [5], 1), 5);
    assert.equal(wallTime([task('a', 5, ['b']), task('b', 5, ['a'])], [5, 5], 1), 0);
  });

  it('rolls up exact predictions exactly, and widens with the tasks\' intervals; risk is 1 - prod(1 - risk)', () => {
    const sure = rollUp([task('a', 10, [], 0, 0.5), task('b', 10, ['a'], 0, 0.5)], 4);
    assert.deepEqual(sure.wallMs, exact(20));
    assert.deepEqual(sure.costUsd, exact(2));
    assert.equal(sure.risk, 0.75);
    const unsure = rollUp([{ ...task('a', 10), durationMs: { p50: 10, lo: 5, hi: 20 } }], 1);
    assert.ok(unsure.wallMs.lo < 10 && unsure.wallMs.hi > 10 && Math.abs(unsure.wallMs.p50 - 10) < 1.5, JSON.stringify(unsure.wallMs));
    assert.deepEqual(rollUp([{ ...task('a', 10), durationMs: { p50: 10, lo: 5, hi: 20 } }], 1), unsure, 'a fixed seed: the same answer every time');
  });

  it('takes tasks that wait on none of each other and fit the slots as one wave: the longest of them (rollUp draws no simulation for those)', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((id) => task(id, 10, ['outside']));
    for (const durations of [[3, 9, 4, 1, 2], [7, 7, 7, 7, 7], [0.5, 12.25, 3, 12.5, 1e6]]) {
      assert.equal(wallTime(five, durations, 5), Math.max(...durations));
      assert.equal(wallTime(five, durations, 9), Math.max(...durations));
    }
    const spread = ['a', 'b', 'c'].map((id, i) => ({ ...task(id, 10), durationMs: { p50: 10 * (i + 1), lo: 5 * (i + 1), hi: 20 * (i + 1) } }));
    const wave = rollUp(spread, 3);
    // At least the longest task's median, and never longer than its draws can go.
    assert.ok(wave.wallMs.p50 >= 30 && wave.wallMs.hi <= 60 * 1.5, JSON.stringify(wave.wallMs));
  });

  it('counts only what is left of a running task', () => {
    assert.equal(rollUp([{ ...task('a', 100), elapsedMs: 60 }], 1).wallMs.p50, 40);
    assert.equal(rollUp([{ ...task('a', 100), elapsedMs: 500 }], 1).wallMs.p50, 10);
  });
});
