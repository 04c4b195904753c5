import { strict as assert } from 'node:assert';
import { initialParallelism, stepParallelism, type Observations, type ParallelismState } from './parallelism';

const settings = { ceiling: 8, holdMs: 5_000, quietMs: 30_000 };
const limited = (attemptId: string, status = 429, fresh = true): Observations => ({ pressure: [{ kind: 'rate-limited', attemptId, status, fresh }], successes: 0 });
const quiet = (successes: number): Observations => ({ pressure: [], successes });

describe('adaptive parallelism', () => {
  it('halves on a 429, once per burst (attempts started before the back-off), and never below one', () => {
    let s: ParallelismState = initialParallelism(8, 0);
    const first = stepParallelism(s, limited('P/T1#1'), 1_000, settings);
    assert.deepEqual([first.state.limit, first.change?.from, first.change?.to], [4, 8, 4]);
    assert.match(first.change!.reason, /^1 429 answer\(s\) \(rate-limited\) in P\/T1#1: halved/);
    s = first.state;
    // The other attempts in flight meet the same limit later, however much later: the same burst.
    const same = stepParallelism(s, limited('P/T2#1', 429, false), 60_000, settings);
    assert.equal(same.change, undefined);
    assert.deepEqual([same.state.limit, same.state.pressureAt], [4, 60_000]);
    s = same.state;
    // An attempt started under the new limit meets it too: the limit is still too high.
    const again = stepParallelism(s, limited('P/T5#1', 529), 61_000, settings);
    assert.deepEqual([again.state.limit, again.change?.to], [2, 2]);
    assert.match(again.change!.reason, /529 answer\(s\) \(overloaded\)/);
    s = stepParallelism(again.state, limited('x'), 62_000, settings).state;
    assert.equal(s.limit, 1);
    const floor = stepParallelism(s, limited('y'), 70_000, settings);
    assert.deepEqual([floor.state.limit, floor.change], [1, undefined]);
  });

  it('ramps up by one after a quiet interval with successes, back to the ceiling and no further', () => {
    const settings = { ceiling: 4, holdMs: 5_000, quietMs: 30_000 };
    let s = stepParallelism(initialParallelism(4, 0), limited('a'), 0, settings).state;
    assert.equal(s.limit, 2);
    // Quiet but nothing succeeded: no evidence the limit has cleared.
    assert.equal(stepParallelism(s, quiet(0), 40_000, settings).change, undefined);
    // Successes, but not quiet long enough.
    s = stepParallelism(s, quiet(2), 10_000, settings).state;
    assert.equal(s.limit, 2);
    const up = stepParallelism(s, quiet(0), 30_000, settings);
    assert.deepEqual([up.change?.from, up.change?.to], [2, 3]);
    assert.match(up.change!.reason, /no rate limit, overload or memory pressure for 30\.0 s and 2 attempt\(s\) succeeded: one more at once, up to 4/);
    // The next step needs another quiet interval and another success.
    assert.equal(stepParallelism(up.state, quiet(1), 40_000, settings).change, undefined);
    const top = stepParallelism(up.state, quiet(1), 60_000, settings);
    assert.equal(top.state.limit, 4);
    assert.equal(stepParallelism(top.state, quiet(5), 200_000, settings).change, undefined);
  });

  it('pressure during the quiet interval restarts it and forgets the successes before it', () => {
    let s = stepParallelism(initialParallelism(4, 0), limited('a'), 0, settings).state;
    s = stepParallelism(s, quiet(3), 20_000, settings).state;
    s = stepParallelism(s, limited('b'), 21_000, settings).state;
    assert.equal(s.limit, 1);
    assert.equal(stepParallelism(s, quiet(1), 45_000, settings).change, undefined);
    assert.equal(stepParallelism(s, quiet(1), 51_000, settings).change?.to, 2);
  });

  it('ramps from the last news, not from 429s of the same burst, keeping the successes and saying how many came meanwhile', () => {
    const fast = { ceiling: 4, holdMs: 5_000, quietMs: 5_000 };
    let s = stepParallelism(initialParallelism(4, 0), limited('a'), 0, fast).state;
    s = stepParallelism(s, quiet(1), 2_000, fast).state;
    s = stepParallelism(s, limited('b', 429, false), 3_000, fast).state;
    assert.equal(stepParallelism(s, quiet(0), 4_000, fast).change, undefined);
    const up = stepParallelism(s, quiet(0), 5_000, fast);
    assert.deepEqual([up.change?.from, up.change?.to], [2, 3]);
    assert.match(up.change!.reason, /for 5\.0 s and 1 attempt\(s\) succeeded \(1 429\/529 answer\(s\) meanwhile went to tries already paced or started before the back-off: no news\): one more at once/);
  });

  it('starts a resumed run at the limit its log last set, never above the ceiling', () => {
    assert.equal(initialParallelism(8, 0, 2).limit, 2);
    assert.equal(initialParallelism(4, 0, 6).limit, 4);
    assert.equal(initialParallelism(4, 0, Number.NaN).limit, 4);
  });

  it('backs off on memory short of one more agent, saying how short', () => {
    const step = stepParallelism(initialParallelism(4, 0), { pressure: [{ kind: 'memory', freeBytes: 200 * 1024 * 1024, neededBytes: 350 * 1024 * 1024 }], successes: 0 }, 0, settings);
    assert.equal(step.state.limit, 2);
    assert.match(step.change!.reason, /free memory 200 MB is below the 350 MB one more claude needs/);
    const short = { pressure: [{ kind: 'memory' as const, freeBytes: 0, neededBytes: 1 }], successes: 0 };
    // Within the hold, the processes that ran short are still finishing: the same shortage.
    assert.equal(stepParallelism(step.state, short, 4_000, settings).change, undefined);
    assert.equal(stepParallelism(step.state, short, 5_000, settings).change?.to, 1);
  });
});
