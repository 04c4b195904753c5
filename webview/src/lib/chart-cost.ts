import { attemptModel } from '../../../src/protocol/model-of-record';
import type { RunSnapshot } from '../../../src/protocol/run-snapshot';
import { usd } from './format';

/** A point of a graph whose x is minutes since the run started. */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface LineSeries {
  readonly label: string;
  readonly points: readonly ChartPoint[];
}

export interface CostOverTime {
  /** Cumulative spend per model or agent, largest first; each starts at 0 when the run did. */
  readonly series: readonly LineSeries[];
  readonly totals: readonly { readonly label: string; readonly costUsd: number; readonly attempts: number }[];
  readonly summary: string;
}

export function minutesSince(startIso: string, iso: string): number {
  return Math.max(0, (Date.parse(iso) - Date.parse(startIso)) / 60_000);
}

/**
 * Cost over time by model or by agent, from finished attempts (an attempt's cost is known when it
 * ends). An attempt a fallback split between models counts each model's share.
 */
export function costOverTime(run: RunSnapshot, by: 'model' | 'agent'): CostOverTime {
  const finished = Object.values(run.attempts)
    .filter((a) => a.finishedAt !== undefined)
    .sort((a, b) => (a.finishedAt ?? '').localeCompare(b.finishedAt ?? '') || a.id.localeCompare(b.id));
  const running = new Map<string, { points: ChartPoint[]; total: number; attempts: number }>();
  for (const attempt of finished) {
    const x = minutesSince(run.startedAt, attempt.finishedAt ?? run.startedAt);
    const shares = by === 'agent' ? { [attempt.agent]: attempt.costUsd } : (attempt.costByModel ?? { [attemptModel(attempt)]: attempt.costUsd });
    for (const [label, cost] of Object.entries(shares)) {
      const entry = running.get(label) ?? { points: [{ x: 0, y: 0 }], total: 0, attempts: 0 };
      entry.total += cost;
      entry.attempts += 1;
      entry.points.push({ x, y: entry.total });
      running.set(label, entry);
    }
  }
  const ordered = [...running.entries()].sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0]));
  const total = ordered.reduce((sum, [, e]) => sum + e.total, 0);
  const top = ordered[0];
  const summary =
    top === undefined
      ? 'No attempt has finished yet, so nothing has been spent.'
      : `${usd(total)} spent over ${finished.length} finished attempt${finished.length === 1 ? '' : 's'} by ${ordered.length} ${by}${ordered.length === 1 ? '' : 's'}; most by ${top[0]} (${usd(top[1].total)}, ${Math.round((100 * top[1].total) / (total || 1))}%).`;
  return {
    series: ordered.map(([label, e]) => ({ label, points: e.points })),
    totals: ordered.map(([label, e]) => ({ label, costUsd: e.total, attempts: e.attempts })),
    summary,
  };
}
