import { strict as assert } from 'node:assert';
import { DEFAULT_RATE_SETTINGS, granted, initialRate, rateLimited, succeeded, waitMs, type RateState } from './request-rate';

const settings = DEFAULT_RATE_SETTINGS;

/** Lets `n` tries through, one every `gapMs` from `from`. */
function grants(s: RateState, n: number, from: number, gapMs: number): RateState {
  let state = s;
  for (let i = 0; i < n; i++) state = granted(state, from + i * gapMs, settings);
  return state;
}

describe('request pace (AIMD on the rate of tries)', () => {
  it('lets every try through at once until a 429 is seen', () => {
    const s = grants(initialRate(), 5, 0, 10);
    assert.equal(waitMs(s, 40), 0);
    assert.equal(succeeded(s, 50, settings).change, undefined);
  });

  it('on the first 429 halves the rate the tries were starting at, and all of them wait out its retry-after', () => {
    // 12 tries in the 19 s before the 429: 37.9 a minute.
    const s = grants(initialRate(), 12, 0, 1_700);
    const cut = rateLimited(s, { grantedAt: 18_700, retryAfterMs: 10_000 }, 19_000, settings);
    assert.equal(cut.state.perMin, 18.9);
    assert.deepEqual([cut.change?.from, cut.change?.to], ['unlimited', '18.9/min']);
    assert.match(cut.change!.reason, /^1 429 answer\(s\) since the last change \(the last asking to wait 10 s\): every attempt's tries now wait for one shared window and start at most 18.9 a minute \(they were starting 37.9 a minute\)/);
    // The window: nothing before the retry-after; then one try every 60/18.4 s.
    assert.equal(waitMs(cut.state, 19_000), 10_000);
    const next = granted(cut.state, 29_000, settings);
    assert.equal(Math.round(waitMs(next, 29_000)), Math.round(60_000 / 18.9));
  });

  it('cuts once per burst: a 429 of a try let through before the cut is the same news, counted into the next decision', () => {
    let s = grants(initialRate(), 4, 0, 100);
    s = rateLimited(s, { grantedAt: 300, retryAfterMs: 3_000 }, 2_000, settings).state;
    const rate = s.perMin;
    const same = rateLimited(s, { grantedAt: 200, retryAfterMs: 5_000 }, 2_500, settings);
    assert.equal(same.change, undefined);
    assert.equal(same.state.perMin, rate);
    // Its retry-after still holds every try back.
    assert.equal(waitMs(same.state, 2_500), 5_000);
    // The stale 429 is folded into the next decision's reason rather than logged alone.
    let calm = same.state;
    let lifted: string | undefined;
    while (lifted === undefined) {
      const step = succeeded(calm, 9_000, settings);
      lifted = step.change?.reason;
      calm = step.state;
    }
    assert.match(lifted, /\(1 429 answer\(s\) since then went to tries let through before it: the same burst\)/);
    // A try let through after the cut meets a 429: the pace is still too fast.
    const fresh = rateLimited(granted(same.state, 8_000, settings), { grantedAt: 8_000, retryAfterMs: 10_000 }, 8_500, settings);
    assert.equal(fresh.state.perMin, Math.round((rate! / 2) * 10) / 10);
    assert.match(fresh.change!.reason, /^2 429 answer\(s\) since the last change/);
  });

  it('never goes below one try per retry-after, nor below the floor', () => {
    let s = grants(initialRate(), 4, 0, 1_000);
    for (let t = 4_000; t < 40_000; t += 2_000) s = rateLimited(granted(s, t, settings), { grantedAt: t, retryAfterMs: 3_000 }, t + 500, settings).state;
    assert.equal(s.perMin, 20);
    for (let t = 40_000; t < 80_000; t += 2_000) s = rateLimited(granted(s, t, settings), { grantedAt: t, retryAfterMs: 60_000 }, t + 500, settings).state;
    assert.equal(s.perMin, 2);
    assert.equal(rateLimited(granted(s, 90_000, settings), { grantedAt: 90_000, retryAfterMs: 60_000 }, 90_500, settings).change, undefined);
  });

  it('adds a step per success, logs a raise only when the pace has doubled, and lifts the limit back at the rate the storm found', () => {
    // 12 tries in 19 s, a cut to 18.9/min, another to 9.5/min; the limit goes again at 37.9/min,
    // four steps of 9.5 from nothing.
    let s = rateLimited(grants(initialRate(), 12, 0, 1_700), { grantedAt: 18_700, retryAfterMs: 10_000 }, 19_000, settings).state;
    s = rateLimited(granted(s, 29_000, settings), { grantedAt: 29_000, retryAfterMs: 10_000 }, 29_500, settings).state;
    assert.equal(s.perMin, 9.5);
    const changes: string[] = [];
    let t = 40_000;
    while (s.perMin !== undefined) {
      const step = succeeded(s, (t += 4_000), settings);
      if (step.change !== undefined) changes.push(`${step.change.from} -> ${step.change.to}: ${step.change.reason}`);
      s = step.state;
    }
    assert.equal(changes.length, 2, changes.join('\n'));
    assert.match(changes[0]!, /^9.5\/min -> 19\/min: 1 tries got their answers since the last change, the last cut \d+\.\d s ago: each success adds 9.5 a minute$/);
    assert.match(changes[1]!, /^19\/min -> unlimited: 2 tries got their answers, none hit a new 429 in the \d+\.\d s since the last cut: back to the rate before the storm \(37.9 a minute\), so no limit$/);
    assert.equal(waitMs(granted(s, t, settings), t), 0);
  });

  it('a storm after the limit was lifted starts over from the rate the tries have now', () => {
    let s = rateLimited(grants(initialRate(), 4, 0, 1_000), { grantedAt: 3_000, retryAfterMs: 1_000 }, 3_500, settings).state;
    while (s.perMin !== undefined) s = succeeded(s, 10_000, settings).state;
    s = grants(s, 10, 40_000, 1_000);
    const again = rateLimited(s, { grantedAt: 49_000, retryAfterMs: 1_000 }, 49_500, settings);
    assert.equal(again.change?.from, 'unlimited');
    assert.match(again.change.reason, /they were starting \d+(\.\d)? a minute/);
  });
});
