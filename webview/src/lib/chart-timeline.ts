import { attemptModel } from '../../../src/protocol/model-of-record';
import type { RunSnapshot } from '../../../src/protocol/run-snapshot';
import { minutesSince } from './chart-cost';
import { runMinutes } from './format';

/**
 * `verified`: the attempt whose work the task kept; `sent-back`: it finished but verification or
 * a merge sent the task back; `succeeded`: finished, not judged yet.
 */
export type BarOutcome = 'verified' | 'succeeded' | 'sent-back' | 'failed' | 'running';

export interface TimelineBar {
  readonly attemptId: string;
  readonly taskId: string;
  readonly agent: string;
  readonly model: string;
  /** Its row: the agent's name, numbered when the agent ran attempts at once. */
  readonly lane: string;
  /** Minutes since the run started. */
  readonly start: number;
  readonly end: number;
  readonly outcome: BarOutcome;
  /** Not the task's first attempt: work done again. */
  readonly rework: boolean;
}

export interface AttemptTimeline {
  readonly lanes: readonly string[];
  readonly bars: readonly TimelineBar[];
  /** The most attempts running at the same moment. */
  readonly peak: number;
  readonly summary: string;
}

function outcomeOf(run: RunSnapshot, attemptId: string): BarOutcome {
  const attempt = run.attempts[attemptId];
  if (attempt === undefined || attempt.state === 'running') return 'running';
  if (attempt.state === 'failed') return 'failed';
  const task = run.tasks[attempt.taskId];
  const later = task === undefined ? false : task.attempts.indexOf(attemptId) < task.attempts.length - 1;
  if (later) return 'sent-back';
  return task?.state === 'verified' ? 'verified' : 'succeeded';
}

/** The most intervals open at once (an end and a start at the same moment do not overlap). */
function peakOverlap(bars: readonly { readonly start: number; readonly end: number }[]): number {
  const edges = bars.flatMap((b) => [{ at: b.start, d: 1 }, { at: b.end, d: -1 }]).sort((a, b) => a.at - b.at || a.d - b.d);
  let open = 0;
  let peak = 0;
  for (const e of edges) {
    open += e.d;
    peak = Math.max(peak, open);
  }
  return peak;
}

/** One lane per agent, overlapping attempts stacked in numbered sub-lanes, gaps left as the waits they are. */
export function attemptTimeline(run: RunSnapshot, nowMs: number): AttemptTimeline {
  const end = run.finishedAt ?? new Date(Math.max(nowMs, Date.parse(run.updatedAt))).toISOString();
  const attempts = Object.values(run.attempts).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  const laneEnds = new Map<string, number[]>();
  const bars: TimelineBar[] = [];
  for (const a of attempts) {
    const start = minutesSince(run.startedAt, a.startedAt);
    const stop = Math.max(start, minutesSince(run.startedAt, a.finishedAt ?? end));
    const ends = laneEnds.get(a.agent) ?? [];
    let sub = ends.findIndex((e) => e <= start);
    if (sub === -1) sub = ends.length;
    ends[sub] = stop;
    laneEnds.set(a.agent, ends);
    const task = run.tasks[a.taskId];
    bars.push({
      attemptId: a.id,
      taskId: a.taskId,
      agent: a.agent,
      model: attemptModel(a),
      lane: sub === 0 ? a.agent : `${a.agent} (${sub + 1})`,
      start,
      end: stop,
      outcome: outcomeOf(run, a.id),
      rework: task !== undefined && task.attempts.indexOf(a.id) > 0,
    });
  }
  const agents = [...laneEnds.keys()].sort();
  const lanes = agents.flatMap((agent) => (laneEnds.get(agent) ?? []).map((_, i) => (i === 0 ? agent : `${agent} (${i + 1})`)));
  const peak = peakOverlap(bars);
  const count = (o: BarOutcome): number => bars.filter((b) => b.outcome === o).length;
  const reworks = bars.filter((b) => b.rework).length;
  const span = minutesSince(run.startedAt, end);
  const summary =
    bars.length === 0
      ? 'No attempt has started yet.'
      : `${bars.length} attempt${bars.length === 1 ? '' : 's'} by ${agents.length} agent${agents.length === 1 ? '' : 's'} over ${runMinutes(span)}, at most ${peak} at once; ${reworks} rework${reworks === 1 ? '' : 's'}, ${count('sent-back')} sent back, ${count('failed')} failed, ${count('running')} running.`;
  return { lanes, bars, peak, summary };
}
