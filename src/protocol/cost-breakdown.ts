// Where the money went and what it bought, derived from a run's folded state: cost per attempt,
// task, agent, model, phase, PRD, milestone and run, reported (by Claude Code) and estimated
// (usage times catalog prices) kept apart; quality per model and role. Pure, for every view.

import { attemptModel } from './model-of-record';
import type { RunSnapshot, TaskSnapshot } from './run-snapshot';

export interface CostLine {
  readonly totalUsd: number;
  readonly reportedUsd: number;
  readonly estimatedUsd: number;
  readonly attempts: number;
}

export interface CostBreakdown {
  readonly run: CostLine;
  readonly byAttempt: Readonly<Record<string, CostLine>>;
  readonly byTask: Readonly<Record<string, CostLine>>;
  readonly byAgent: Readonly<Record<string, CostLine>>;
  readonly byModel: Readonly<Record<string, CostLine>>;
  readonly byPhase: Readonly<Record<string, CostLine>>;
  readonly byPrd: Readonly<Record<string, CostLine>>;
  readonly byMilestone: Readonly<Record<string, CostLine>>;
}

export interface QualityLine {
  /** Tasks that reached a verdict (verified, failed or blocked). */
  readonly tasks: number;
  readonly verified: number;
  /** Verified on the first attempt with no defect. */
  readonly firstPass: number;
  readonly firstPassRate: number | null;
  /** Attempts beyond the first: each is a rework of a defect or a failed try. */
  readonly reworks: number;
  readonly costUsd: number;
  readonly costPerVerifiedUsd: number | null;
}

export interface QualityStats {
  readonly byModel: Readonly<Record<string, QualityLine>>;
  readonly byAgent: Readonly<Record<string, QualityLine>>;
}

type MutableLine = { totalUsd: number; reportedUsd: number; estimatedUsd: number; attempts: number };

function add(map: Record<string, MutableLine>, key: string, usd: number, reported: boolean, attempts: number): void {
  const line = (map[key] ??= { totalUsd: 0, reportedUsd: 0, estimatedUsd: 0, attempts: 0 });
  line.totalUsd += usd;
  if (reported) line.reportedUsd += usd;
  else line.estimatedUsd += usd;
  line.attempts += attempts;
}

export function costBreakdown(run: RunSnapshot): CostBreakdown {
  const maps = { run: {}, byAttempt: {}, byTask: {}, byAgent: {}, byModel: {}, byPhase: {}, byPrd: {}, byMilestone: {} } as Record<keyof CostBreakdown, Record<string, MutableLine>>;
  for (const a of Object.values(run.attempts)) {
    if (a.state === 'running') continue;
    const task = run.tasks[a.taskId];
    // An attempt with no cost source yet cannot claim Claude Code reported it.
    const reported = a.costSource === 'reported';
    const usd = a.costUsd;
    add(maps.run, 'run', usd, reported, 1);
    add(maps.byAttempt, a.id, usd, reported, 1);
    add(maps.byTask, a.taskId, usd, reported, 1);
    add(maps.byAgent, a.agent, usd, reported, 1);
    add(maps.byPhase, task?.phase ?? 'unknown', usd, reported, 1);
    add(maps.byPrd, task?.prdId ?? 'unknown', usd, reported, 1);
    add(maps.byMilestone, task?.milestoneId ?? 'unknown', usd, reported, 1);
    // Split by the model that spent it: a fallback's tries, else the model that did the work.
    const split = a.costByModel ?? { [attemptModel(a)]: usd };
    Object.entries(split).forEach(([model, part], i) => add(maps.byModel, model, part, reported, i === 0 ? 1 : 0));
  }
  const { run: runLine, ...rest } = maps;
  return { run: runLine.run ?? { totalUsd: 0, reportedUsd: 0, estimatedUsd: 0, attempts: 0 }, ...rest };
}

type MutableQuality = { tasks: number; verified: number; firstPass: number; reworks: number; costUsd: number };

function finishQuality(q: MutableQuality): QualityLine {
  return {
    ...q,
    firstPassRate: q.tasks === 0 ? null : q.firstPass / q.tasks,
    costPerVerifiedUsd: q.verified === 0 ? null : q.costUsd / q.verified,
  };
}

function judged(t: TaskSnapshot): boolean {
  return t.state === 'verified' || t.state === 'failed' || t.state === 'blocked';
}

export function qualityStats(run: RunSnapshot): QualityStats {
  const byModel: Record<string, MutableQuality> = {};
  const byAgent: Record<string, MutableQuality> = {};
  for (const t of Object.values(run.tasks)) {
    if (t.attempts.length === 0) continue;
    // The first attempt's model owns the task's first pass: a rework may have gone a tier up.
    const first = t.attempts[0] === undefined ? undefined : run.attempts[t.attempts[0]]?.model;
    const model = first ?? t.routing?.model ?? t.model ?? 'unknown';
    for (const [map, key] of [[byModel, model], [byAgent, t.agent ?? 'unknown']] as const) {
      const q = (map[key] ??= { tasks: 0, verified: 0, firstPass: 0, reworks: 0, costUsd: 0 });
      q.costUsd += t.costUsd;
      q.reworks += Math.max(0, t.attempts.length - 1);
      if (!judged(t)) continue;
      q.tasks += 1;
      if (t.state === 'verified') q.verified += 1;
      if (t.state === 'verified' && t.attempts.length === 1 && t.defects === 0) q.firstPass += 1;
    }
  }
  const done = (m: Record<string, MutableQuality>): Record<string, QualityLine> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, finishQuality(v)]));
  return { byModel: done(byModel), byAgent: done(byAgent) };
}
