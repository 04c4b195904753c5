import type { ForecastBasis } from '../../../src/protocol/forecast';
import type { RunSnapshot } from '../../../src/protocol/run-snapshot';
import { minutesSince, type ChartPoint } from './chart-cost';
import { runMinutes } from './format';

export interface ForecastRow {
  readonly at: string;
  readonly basis: ForecastBasis;
  readonly tasksLeft: number;
  /** Minutes since the run started: when it said the run would finish, with its 80% interval. */
  readonly finish: { readonly p50: number; readonly lo: number; readonly hi: number };
}

export interface VerifiedAgainstForecast {
  readonly total: number;
  /** A step curve: the count of verified tasks, rising at each verification. */
  readonly actual: readonly ChartPoint[];
  /** From where the latest forecast stood to all tasks verified at its p50, lo and hi. */
  readonly projection?: { readonly from: ChartPoint; readonly p50: ChartPoint; readonly lo: ChartPoint; readonly hi: ChartPoint; readonly basis: ForecastBasis };
  /** Where each forecast put the finish (x) over the run: its drift, at the level of all tasks. */
  readonly finishes: readonly ChartPoint[];
  readonly rows: readonly ForecastRow[];
  readonly summary: string;
}

const minutes = (ms: number): number => ms / 60_000;


/** Tasks verified over time against the live forecast's projected finish and its 80% band. */
export function verifiedAgainstForecast(run: RunSnapshot, nowMs: number): VerifiedAgainstForecast {
  const total = run.taskOrder.length;
  const times = Object.values(run.tasks)
    .flatMap((t) => (t.state === 'verified' && t.verifiedAt !== undefined ? [minutesSince(run.startedAt, t.verifiedAt)] : []))
    .sort((a, b) => a - b);
  const actual: ChartPoint[] = [{ x: 0, y: 0 }];
  times.forEach((x, i) => actual.push({ x, y: i }, { x, y: i + 1 }));
  const end = run.finishedAt ?? new Date(Math.max(nowMs, Date.parse(run.updatedAt))).toISOString();
  actual.push({ x: minutesSince(run.startedAt, end), y: times.length });
  const rows: ForecastRow[] = (run.forecasts ?? []).map((f) => {
    const at = minutesSince(run.startedAt, f.at);
    return { at: f.at, basis: f.basis, tasksLeft: f.tasksLeft, finish: { p50: at + minutes(f.etaMs.p50), lo: at + minutes(f.etaMs.lo), hi: at + minutes(f.etaMs.hi) } };
  });
  const latest = run.forecast;
  let projection: VerifiedAgainstForecast['projection'];
  if (latest !== undefined && run.finishedAt === undefined) {
    const at = minutesSince(run.startedAt, latest.at);
    const done = times.filter((x) => x <= at).length;
    projection = {
      from: { x: at, y: done },
      p50: { x: at + minutes(latest.etaMs.p50), y: total },
      lo: { x: at + minutes(latest.etaMs.lo), y: total },
      hi: { x: at + minutes(latest.etaMs.hi), y: total },
      basis: latest.basis,
    };
  }
  const head = `${times.length} of ${total} task${total === 1 ? '' : 's'} verified`;
  const tail =
    projection !== undefined
      ? `; the latest forecast (${latest?.basis === 'history' ? 'from history' : 'from defaults'}) puts the finish at ${runMinutes(projection.p50.x)} after the start (80%: ${runMinutes(projection.lo.x)} to ${runMinutes(projection.hi.x)}).`
      : rows.length > 0
        ? `; ${rows.length} forecast${rows.length === 1 ? '' : 's'} were made during the run, the last putting the finish at ${runMinutes(rows[rows.length - 1]?.finish.p50 ?? 0)}.`
        : '; no forecast was made.';
  return { total, actual, ...(projection === undefined ? {} : { projection }), finishes: rows.map((r) => ({ x: r.finish.p50, y: total })), rows, summary: head + tail };
}
