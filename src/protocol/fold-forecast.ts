// The latest live forecast, and a bounded history of them for the forecast-against-actual graph.

import type { ForecastUpdated } from './events-forecast';
import type { RunSnapshot } from './run-snapshot';

/** Forecasts kept for the graph: enough for a long run's curve, bounded for a very long one. */
const FORECASTS_KEPT = 500;

export function foldForecast(s: RunSnapshot, e: ForecastUpdated): RunSnapshot {
  const history = [...(s.forecasts ?? []), e.forecast].slice(-FORECASTS_KEPT);
  return { ...s, forecast: e.forecast, forecasts: history };
}
