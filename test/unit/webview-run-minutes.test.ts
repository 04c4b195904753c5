import { strict as assert } from 'node:assert';
import { runMinutes } from '../../webview/src/lib/format';

describe('run time labels on the graphs', () => {
  it('reads a short run in seconds, a long one in minutes, a very long one in hours', () => {
    assert.deepEqual([0, 0.25, 1.99, 2, 34.4, 89, 90, 135].map(runMinutes), ['0 s', '15 s', '119 s', '2 min', '34 min', '89 min', '1.5 h', '2.3 h']);
  });
});
