import type { EventLog as EventLogType } from '../../src/orchestrator/events/event-log';
import { EventLog } from '../../src/orchestrator/events/event-log';
import { OrchStore } from '../../src/orchestrator/store/orch-store';
import { workspacePaths } from '../../src/orchestrator/workspace/workspace-paths';
import type { NewEvent, OrchEvent } from '../../src/protocol/events';
import type { Roadmap } from '../../src/protocol/domain';
import { roadmapWith, task } from './builders';

// A realistic run for the dashboard's graphs: four agents on three models, attempts in parallel,
// a failed attempt retried, two reviews that send work back, costs, live forecasts after every
// finish, and two attempts still running. Earlier runs of the same roadmap (all completed, each a
// little cheaper and quicker) give the learning curve its points.

export const GRAPHS_ROADMAP: Roadmap = roadmapWith([
  { milestone: '0.1', prd: { id: 'PRD-1', tasks: [task('PRD-1', 'T1'), task('PRD-1', 'T2'), task('PRD-1', 'T3'), task('PRD-1', 'T4')] } },
  { milestone: '0.1', prd: { id: 'PRD-2', tasks: [task('PRD-2', 'T1'), task('PRD-2', 'T2'), task('PRD-2', 'T3')] } },
  { milestone: '0.2', prd: { id: 'PRD-3', tasks: [task('PRD-3', 'T1'), task('PRD-3', 'T2'), task('PRD-3', 'T3')] } },
]);

export interface TimedEvent {
  /** Milliseconds after the run started. */
  readonly atMs: number;
  readonly body: NewEvent;
}

type Outcome = 'ok' | 'defect' | 'fail' | 'running';

/** [task, attempt, agent, model, start min, minutes, outcome, cost USD]. */
type Planned = readonly [string, number, string, string, number, number, Outcome, number];

const PLAN: readonly Planned[] = [
  ['PRD-1/T1', 1, 'backend-engineer', 'sonnet', 0, 6, 'ok', 0.42],
  ['PRD-2/T1', 1, 'frontend-engineer', 'haiku', 0.2, 4, 'defect', 0.08],
  ['PRD-3/T1', 1, 'backend-engineer', 'haiku', 1, 4, 'ok', 0.06],
  ['PRD-2/T1', 2, 'frontend-engineer', 'sonnet', 5, 5, 'ok', 0.35],
  ['PRD-1/T2', 1, 'qa-engineer', 'haiku', 7, 4, 'ok', 0.05],
  ['PRD-1/T3', 1, 'backend-engineer', 'opus', 8, 10, 'fail', 0.9],
  ['PRD-2/T2', 1, 'frontend-engineer', 'sonnet', 12, 7, 'ok', 0.38],
  ['PRD-3/T2', 1, 'security-reviewer', 'sonnet', 14, 3, 'defect', 0.22],
  ['PRD-1/T3', 2, 'backend-engineer', 'opus', 20, 7, 'ok', 1.1],
  ['PRD-2/T3', 1, 'frontend-engineer', 'haiku', 21, 4, 'ok', 0.07],
  ['PRD-3/T2', 2, 'security-reviewer', 'sonnet', 22, 4, 'ok', 0.2],
  ['PRD-1/T4', 1, 'qa-engineer', 'haiku', 29, 8, 'running', 0.05],
  ['PRD-3/T3', 1, 'backend-engineer', 'sonnet', 30, 9, 'running', 0.4],
];

/** Where the live run's log ends: the two running attempts are still going. */
export const LIVE_RUN_MINUTES = 34;

const MIN = 60_000;

/**
 * The events of one run. `earlier` (0, 1, 2, ...) makes a completed earlier run: every attempt
 * finishes and is verified, costs and times shrink with each later one and reviews stop sending
 * work back from the third. Without it the run is live, cut at LIVE_RUN_MINUTES.
 */
export function graphsRunEvents(earlier?: number): TimedEvent[] {
  const live = earlier === undefined;
  const costScale = live ? 1 : 1.6 - 0.15 * earlier;
  const timeScale = live ? 1 : 1.4 - 0.1 * earlier;
  const out: TimedEvent[] = [
    { atMs: 0, body: { type: 'run.started', roadmapFile: 'roadmap.md', milestones: ['0.1', '0.2'] } },
    { atMs: 0, body: { type: 'plan.loaded', roadmap: GRAPHS_ROADMAP } },
  ];
  const plan = live || earlier < 2 ? PLAN : PLAN.filter(([taskId, n]) => n === 1 || !['PRD-2/T1', 'PRD-3/T2'].includes(taskId));
  for (const [taskId, n, agent, model, start, minutes, planned, cost] of plan) {
    const outcome: Outcome = live ? planned : planned === 'running' ? 'ok' : planned === 'defect' && earlier >= 2 ? 'ok' : planned;
    const attemptId = `${taskId}#${n}`;
    const startMs = start * timeScale * MIN;
    const endMs = (start + minutes) * timeScale * MIN;
    out.push({ atMs: startMs, body: { type: 'attempt.started', taskId, attemptId, agent, model, prompt: `Do ${taskId}` } });
    if (outcome === 'running') continue;
    out.push({
      atMs: endMs,
      body: {
        type: 'attempt.finished',
        attemptId,
        outcome: outcome === 'fail' ? 'failed' : 'succeeded',
        ...(outcome === 'fail' ? { failure: 'crashed' as const, message: 'the claude process exited 1' } : {}),
        costUsd: Math.round(cost * costScale * 10_000) / 10_000,
        costSource: 'reported',
        inputTokens: Math.round(cost * 40_000),
        outputTokens: Math.round(cost * 8_000),
        durationMs: endMs - startMs,
      },
    });
    if (outcome === 'ok') {
      out.push({ atMs: endMs + 10_000, body: { type: 'task.verifying', taskId } });
      out.push({ atMs: endMs + 30_000, body: { type: 'task.verified', taskId, checks: [{ check: 'command npm test', passed: true, detail: 'exit 0' }], basis: 'checks' } });
    }
    if (outcome === 'defect') {
      out.push({ atMs: endMs + 30_000, body: { type: 'defect.raised', taskId, attemptId, reason: 'the reviewer requested changes', checks: [] } });
    }
  }
  const sorted = out.sort((a, b) => a.atMs - b.atMs);
  const withForecasts = addForecasts(sorted, GRAPHS_ROADMAP.phases.flatMap((p) => p.milestones.flatMap((m) => m.prds.flatMap((prd) => prd.tasks))).length);
  if (!live) withForecasts.push({ atMs: (withForecasts[withForecasts.length - 1]?.atMs ?? 0) + 1000, body: { type: 'run.finished', state: 'completed' } });
  return live ? withForecasts.filter((e) => e.atMs <= LIVE_RUN_MINUTES * MIN) : withForecasts;
}

/** A forecast after each finished attempt: 3.5 min of wall time per task left, its 80% band from 0.7x to 1.5x. */
function addForecasts(events: readonly TimedEvent[], total: number): TimedEvent[] {
  const out: TimedEvent[] = [];
  let verified = 0;
  for (const e of events) {
    out.push(e);
    if (e.body.type === 'task.verified') verified += 1;
    if (e.body.type === 'attempt.finished' || e.body.type === 'run.started') {
      const left = total - verified;
      const p50 = left * 3.5 * MIN;
      out.push({
        atMs: e.atMs,
        body: {
          type: 'forecast.updated',
          forecast: { at: '', basis: verified >= 3 ? 'history' : 'defaults', etaMs: { p50, lo: p50 * 0.7, hi: p50 * 1.5 }, costToCompleteUsd: { p50: left * 0.3, lo: left * 0.2, hi: left * 0.5 }, tasksLeft: left, atRisk: [] },
        },
      });
    }
  }
  return out;
}

/** The envelopes a log would give these events, for folding in a unit test. */
export function envelopes(runId: string, startMs: number, timed: readonly TimedEvent[]): OrchEvent[] {
  return timed.map((t, i) => {
    const at = new Date(startMs + t.atMs).toISOString();
    const body = t.body.type === 'forecast.updated' ? { ...t.body, forecast: { ...t.body.forecast, at } } : t.body;
    return { ...body, seq: i + 1, at, runId };
  });
}

/** Writes a run through the real EventLog, each event stamped at its time, and records it in the run index. */
export async function writeTimedRun(workspace: string, runId: string, startMs: number, timed: readonly TimedEvent[]): Promise<EventLogType> {
  const paths = workspacePaths(workspace);
  let now = startMs;
  const log = await EventLog.open(paths.eventsFile(runId), runId, { now: () => new Date(now) });
  for (const t of timed) {
    now = startMs + t.atMs;
    const at = new Date(now).toISOString();
    await log.append(t.body.type === 'forecast.updated' ? { ...t.body, forecast: { ...t.body.forecast, at } } : t.body);
  }
  const finished = timed.find((t) => t.body.type === 'run.finished');
  const store = await OrchStore.open(paths.storeFile);
  await store.upsertRun({
    runId,
    roadmapFile: 'roadmap.md',
    state: finished === undefined ? 'running' : 'completed',
    startedAt: new Date(startMs).toISOString(),
    updatedAt: new Date(startMs + (timed[timed.length - 1]?.atMs ?? 0)).toISOString(),
  });
  return log;
}
