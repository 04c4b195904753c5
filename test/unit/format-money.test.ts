import { strict as assert } from 'node:assert';
import { formatMoney } from '../../src/protocol/format-money';

describe('formatMoney', () => {
  it('prints whole cents, and a dollar or more, with two decimals', () => {
    assert.deepEqual([0, 0.5, 0.1 + 0.2, 2, 12.345, 1.99999].map(formatMoney), ['$0.00', '$0.50', '$0.30', '$2.00', '$12.35', '$2.00']);
  });

  it('prints a fraction of a cent under a dollar with four decimals, so it never reads as nothing', () => {
    assert.deepEqual([0.004, 0.0012, 0.12345, 0.9999].map(formatMoney), ['$0.0040', '$0.0012', '$0.1235', '$0.9999']);
  });
});
