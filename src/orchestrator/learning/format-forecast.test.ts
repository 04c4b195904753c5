import { strict as assert } from 'node:assert';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { forecastLines, formatMs } from './format-forecast';

describe('forecast text (orch status)', () => {
  const forecast = { at: '2026-01-01T00:00:00.000Z', basis: 'history' as const, etaMs: { p50: 754_000, lo: 300_000, hi: 3_720_000 }, costToCompleteUsd: { p50: 1.5, lo: 0.25, hi: 4 }, tasksLeft: 2, atRisk: [{ taskId: 'P/T2', risk: 0.6, why: '1 defect so far' }] };

  it('prints the ETA and cost to complete with their intervals, then each task at risk with why', () => {
    assert.deepEqual(forecastLines({ state: 'running', forecast } as unknown as RunSnapshot), [
      'forecast (history, as of 2026-01-01T00:00:00.000Z): 2 task(s) left, ETA 12m 34s [5m–1h 02m], cost to complete $1.50 [$0.250–$4.00]',
      '  at risk 60% P/T2: 1 defect so far',
    ]);
  });

  it('prints nothing for a run that ended or has no forecast', () => {
    assert.deepEqual(forecastLines({ state: 'completed', forecast } as unknown as RunSnapshot), []);
    assert.deepEqual(forecastLines({ state: 'running' } as unknown as RunSnapshot), []);
    assert.equal(formatMs(45_000), '45s');
  });
});
