// Forecast numbers as people read them, shared by `orch plan --estimate` and `orch status`.

import type { Interval } from '../../protocol/forecast';

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
