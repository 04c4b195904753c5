import assert from 'node:assert/strict';
import { DEFAULT_RETRY_POLICY } from './attempt-request';
import { retryDelayMs } from './run-attempt';

describe('retryDelayMs', () => {
  it('grows exponentially within ±20% jitter and is capped', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1_000, maxDelayMs: 5_000 };
    for (let i = 0; i < 50; i++) {
      const d1 = retryDelayMs(policy, 1, undefined);
      const d3 = retryDelayMs(policy, 3, undefined);
      const d9 = retryDelayMs(policy, 9, undefined);
      assert.ok(d1 >= 800 && d1 <= 1_200, `first ${d1}`);
      assert.ok(d3 >= 3_200 && d3 <= 4_800, `third ${d3}`);
      assert.ok(d9 >= 4_000 && d9 <= 6_000, `capped ${d9}`);
    }
  });

  it('never waits less than the retry-after', () => {
    assert.ok(retryDelayMs({ ...DEFAULT_RETRY_POLICY, baseDelayMs: 10 }, 1, 7) >= 7_000);
  });
});
