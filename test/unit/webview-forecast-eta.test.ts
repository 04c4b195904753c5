import { strict as assert } from 'node:assert';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';
import { forecastEta } from '../../webview/src/lib/eta';

const forecast = { at: '2026-01-01T00:00:00.000Z', basis: 'history' as const, etaMs: { p50: 60_000, lo: 30_000, hi: 120_000 }, costToCompleteUsd: { p50: 1, lo: 0.5, hi: 2 }, tasksLeft: 3, atRisk: [] };

describe('webview ETA from the live forecast', () => {
  it('takes the time since the forecast was made off each bound, never below zero', () => {
    const run = { forecast } as unknown as RunSnapshot;
    const T = Date.parse(forecast.at);
    assert.deepEqual(forecastEta(run, T), { p50: 60_000, lo: 30_000, hi: 120_000, basis: 'history', tasksLeft: 3 });
    assert.deepEqual(forecastEta(run, T + 40_000), { p50: 20_000, lo: 0, hi: 80_000, basis: 'history', tasksLeft: 3 });
    assert.deepEqual(forecastEta(run, T - 5_000)?.p50, 60_000, 'a clock behind the engine\'s takes nothing off');
  });

  it('is undefined for a run the engine made no forecast for (older logs): the median estimate stands in', () => {
    assert.equal(forecastEta({} as RunSnapshot, Date.now()), undefined);
  });
});
