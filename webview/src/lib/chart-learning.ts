import type { RunHistory, RunHistoryPoint } from '../../../src/protocol/run-history';
import { usd } from './format';

export interface LearningCurve {
  /** One label per run, oldest first: its number in the series and its start date. */
  readonly labels: readonly string[];
  readonly costPerVerifiedUsd: readonly (number | null)[];
  readonly wallMinutes: readonly number[];
  readonly defectsPerTask: readonly (number | null)[];
  readonly runs: readonly RunHistoryPoint[];
  /** The index of the run the page shows, to mark it. */
  readonly current: number;
  readonly summary: string;
}

function change(first: number | null | undefined, last: number | null | undefined, show: (n: number) => string): string {
  if (first === null || first === undefined || last === null || last === undefined) return 'not measurable';
  const pct = first === 0 ? 0 : Math.round((100 * (last - first)) / first);
  return `${show(first)} → ${show(last)} (${pct > 0 ? '+' : ''}${pct}%)`;
}

/** The learning curve across the runs of one roadmap: one point per run. */
export function learningCurve(history: RunHistory, currentRunId: string | undefined): LearningCurve {
  const runs = history.runs;
  const labels = runs.map((r, i) => `#${i + 1} ${r.startedAt.slice(5, 10)}`);
  const first = runs[0];
  const last = runs[runs.length - 1];
  const unfinished = runs.flatMap((r, i) => (r.finishedAt === undefined ? [`#${i + 1}`] : []));
  const summary =
    runs.length < 2
      ? `${runs.length === 0 ? 'No run' : 'One run'} of ${history.roadmapFile} so far: a curve needs two.`
      : `${runs.length} runs of ${history.roadmapFile}, first to latest: cost per verified task ${change(first?.costPerVerifiedUsd, last?.costPerVerifiedUsd, usd)}; wall time ${change(
          first === undefined ? null : first.wallMs / 60_000,
          last === undefined ? null : last.wallMs / 60_000,
          (m) => `${m.toFixed(1)} min`,
        )}; defects per task ${change(first?.defectsPerTask, last?.defectsPerTask, (n) => n.toFixed(2))}.${
          unfinished.length === 0 ? '' : ` ${unfinished.join(', ')} ${unfinished.length === 1 ? 'is' : 'are'} still going: ${unfinished.length === 1 ? 'its point moves' : 'their points move'} until ${unfinished.length === 1 ? 'it ends' : 'they end'}.`
        }`;
  return {
    labels,
    costPerVerifiedUsd: runs.map((r) => r.costPerVerifiedUsd),
    wallMinutes: runs.map((r) => r.wallMs / 60_000),
    defectsPerTask: runs.map((r) => r.defectsPerTask),
    runs,
    current: runs.findIndex((r) => r.runId === currentRunId),
    summary,
  };
}
