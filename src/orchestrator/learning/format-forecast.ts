// Forecast numbers as people read them, shared by `orch plan --estimate` and `orch status`.

import type { Interval } from '../../protocol/forecast';
import type { RunSnapshot } from '../../protocol/run-snapshot';

export function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 === 0 ? '' : ` ${String(s % 60).padStart(2, '0')}s`}`;
  const h = Math.floor(m / 60);
  return `${h}h${m % 60 === 0 ? '' : ` ${String(m % 60).padStart(2, '0')}m`}`;
}

export function formatUsd(usd: number): string {
  return `$${usd < 1 ? usd.toFixed(3) : usd.toFixed(2)}`;
}

/** `12m [8m–20m]`: the median, then the 80% interval. */
export function formatInterval(i: Interval, format: (n: number) => string): string {
  return `${format(i.p50)} [${format(i.lo)}–${format(i.hi)}]`;
}

export function formatRisk(risk: number): string {
  return `${Math.round(risk * 100)}%`;
}

/** `orch status`: the live forecast of a run with work left, as it stood after the last attempt. */
export function forecastLines(run: RunSnapshot): string[] {
  const f = run.forecast;
  if (f === undefined || f.tasksLeft === 0 || (run.state !== 'running' && run.state !== 'paused')) return [];
  const lines = [
    `forecast (${f.basis}, as of ${f.at}): ${f.tasksLeft} task(s) left, ETA ${formatInterval(f.etaMs, formatMs)}, cost to complete ${formatInterval(f.costToCompleteUsd, formatUsd)}`,
  ];
  for (const r of f.atRisk) lines.push(`  at risk ${formatRisk(r.risk)} ${r.taskId}: ${r.why}`);
  return lines;
}
