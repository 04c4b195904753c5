import { strict as assert } from 'node:assert';
import { compareIsoTimes } from '../../src/protocol/iso-time';

describe('compareIsoTimes', () => {
  it('orders times as Date does, across the fields that differ', () => {
    const times = ['2026-12-02T18:56:19.124Z', '2025-01-31T23:59:59.999Z', '2026-12-02T18:56:19.123Z', '2026-02-01T00:00:00.000Z', '2026-12-02T09:00:00.000Z'];
    const sorted = [...times].sort(compareIsoTimes);
    assert.deepEqual(sorted, [...times].sort((a, b) => Date.parse(a) - Date.parse(b)));
    assert.equal(compareIsoTimes(times[0]!, times[0]!), 0);
  });
});
