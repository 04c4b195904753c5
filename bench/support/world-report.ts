// Printing helpers of the world benches: spreads, ASCII curves, trends, and how far a measured
// figure is from the roadmap's goal. Pure: the unit test checks the arithmetic.

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function spread(xs: readonly number[], digits: number): string {
  const f = xs.filter((x) => Number.isFinite(x));
  if (f.length === 0) return 'n/a';
  return `${median(f).toFixed(digits)} [${Math.min(...f).toFixed(digits)}..${Math.max(...f).toFixed(digits)}]`;
}

/**
 * The trend of a series per step, as a share of its mean: the least-squares slope over the
 * steps divided by the series' mean. -0.04 is 4% less per iteration. Robust to a zero step,
 * which a ratio of consecutive points is not.
 */
export function trendPerStep(ys: readonly number[]): number {
  const pts = ys.map((y, i) => [i, y] as const).filter(([, y]) => Number.isFinite(y));
  if (pts.length < 2) return Number.NaN;
  const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
  const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
  const sxx = pts.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = pts.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  return my === 0 ? 0 : sxy / sxx / my;
}

/**
 * The first step from which every later point stays within `band` (a share) of the mean of
 * the points from there on: where the curve has settled. The last step when it never does.
 */
export function convergedAt(ys: readonly number[], band: number): number {
  for (let k = 0; k < ys.length; k++) {
    const tail = ys.slice(k);
    const m = tail.reduce((a, b) => a + b, 0) / tail.length;
    if (tail.every((y) => Math.abs(y - m) <= band * Math.abs(m) || Math.abs(y - m) < 1e-12)) return k;
  }
  return ys.length - 1;
}

/** One bar per point, scaled to the largest; the median and spread beside it. */
export function asciiCurve(title: string, rows: readonly { readonly label: string; readonly values: readonly number[] }[], digits: number, width = 40): string {
  const medians = rows.map((r) => median(r.values));
  const top = Math.max(...medians.filter((m) => Number.isFinite(m)), Number.MIN_VALUE);
  const lines = [title];
  for (const [i, r] of rows.entries()) {
    const m = medians[i]!;
    const n = Number.isFinite(m) ? Math.round((width * m) / top) : 0;
    lines.push(`  ${r.label.padStart(6)} |${'#'.repeat(n).padEnd(width)}| ${spread(r.values, digits)}`);
  }
  return lines.join('\n');
}

/** Share of `actuals` inside their interval [lo, hi]. */
export function coverage(pairs: readonly { readonly actual: number; readonly lo: number; readonly hi: number }[]): number {
  return pairs.length === 0 ? Number.NaN : pairs.filter((p) => p.actual >= p.lo && p.actual <= p.hi).length / pairs.length;
}

/** Median absolute percentage error of predictions against actuals (actuals of 0 left out). */
export function mape(pairs: readonly { readonly actual: number; readonly predicted: number }[]): number {
  return median(pairs.filter((p) => p.actual !== 0).map((p) => Math.abs(p.predicted - p.actual) / Math.abs(p.actual)));
}

/** Mean squared error of probabilities against what happened: 0 perfect, 0.25 a coin at 0.5. */
export function brier(pairs: readonly { readonly p: number; readonly happened: boolean }[]): number {
  return pairs.length === 0 ? Number.NaN : pairs.reduce((a, x) => a + (x.p - (x.happened ? 1 : 0)) ** 2, 0) / pairs.length;
}

/** Area under the ROC curve: the chance a task that failed was given more risk than one that passed (ties half). */
export function auc(pairs: readonly { readonly p: number; readonly happened: boolean }[]): number {
  const pos = pairs.filter((x) => x.happened);
  const neg = pairs.filter((x) => !x.happened);
  if (pos.length === 0 || neg.length === 0) return Number.NaN;
  let wins = 0;
  for (const a of pos) for (const b of neg) wins += a.p > b.p ? 1 : a.p === b.p ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

export function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(digits)}%` : 'n/a';
}
