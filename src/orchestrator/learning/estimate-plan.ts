// `orch plan --estimate`: each task's prediction from the learning store, rolled up per PRD,
// milestone and run over the DAG at the run's parallelism. No model is called. Pure.

import type { Roadmap } from '../../protocol/domain';
import type { GroupForecast, Interval, PlanEstimate, TaskForecast } from '../../protocol/forecast';
import { qualifiedTaskId } from '../../protocol/ids';
import type { Assignment } from '../engine/assign-agents';
import type { ModelCatalog } from '../router/model-catalog';
import type { OutcomeRecord } from '../store/outcome-record';
import { DEFAULTS_NOTE, predictTask, taskSamples, type TaskPrediction } from './predict-task';
import { rollUp, type SimTask } from './simulate-dag';
import { plannedTaskFeatures, type TaskFeatures } from './task-features';

/** A planned task with what the simulation needs to place it. */
export interface PlannedTask {
  readonly features: TaskFeatures;
  readonly prdId: string;
  readonly milestoneId: string;
  /** A model the PRD pinned: the prediction prefers its outcomes. */
  readonly model?: string;
  readonly after: readonly string[];
  readonly phaseIndex: number;
}

export interface PlanInput {
  readonly roadmap: Roadmap;
  /** Who does each task (absent: what the tasks say). */
  readonly assignments?: ReadonlyMap<string, Assignment>;
  readonly catalog: ModelCatalog;
  /** The workflow's phases in order: the phase gate inside a PRD. */
  readonly phases: readonly string[];
  /** Only these milestones (empty: all). */
  readonly milestones?: readonly string[];
}

/** The roadmap's tasks in plan order, each waiting on its dependencies and its PRD's earlier phases. */
export function plannedTasks(input: PlanInput): PlannedTask[] {
  const out: PlannedTask[] = [];
  const phaseIndex = (phase: string): number => {
    const i = input.phases.indexOf(phase);
    return i < 0 ? input.phases.length : i;
  };
  for (const phase of input.roadmap.phases) {
    for (const m of phase.milestones) {
      if ((input.milestones ?? []).length > 0 && !input.milestones!.includes(m.id)) continue;
      for (const prd of m.prds) {
        const own = prd.tasks.map((task) => {
          const assignment = input.assignments?.get(qualifiedTaskId(prd.id, task.id));
          return { task, features: plannedTaskFeatures(prd.id, task, assignment, input.catalog), pinned: assignment?.pinned === true ? assignment.model : task.model };
        });
        for (const { task, features, pinned } of own) {
          const gate = own.filter((o) => phaseIndex(o.features.phase) < phaseIndex(features.phase)).map((o) => o.features.taskId);
          out.push({
            features,
            prdId: prd.id,
            milestoneId: m.id,
            ...(pinned === undefined ? {} : { model: input.catalog.get(pinned)?.name ?? pinned }),
            after: [...new Set([...task.depends.map((d) => qualifiedTaskId(prd.id, d)), ...gate])],
            phaseIndex: phaseIndex(features.phase),
          });
        }
      }
    }
  }
  return out;
}

export function estimatePlan(input: PlanInput, outcomes: readonly OutcomeRecord[], parallel: number): PlanEstimate {
  const tasks = plannedTasks(input);
  const samples = taskSamples(outcomes);
  const predictions = new Map(tasks.map((t) => [t.features.taskId, predictTask(samples, t.features, t.model)]));
  const sim = (group: readonly PlannedTask[]): SimTask[] => group.map((t) => simTask(t, predictions.get(t.features.taskId)!));
  const group = (id: string, title: string, members: readonly PlannedTask[]): GroupForecast => {
    const r = rollUp(sim(members), parallel);
    return { id, title, wallMs: roundMs(r.wallMs), costUsd: roundUsd(r.costUsd), risk: roundRisk(r.risk) };
  };
  const milestones = input.roadmap.phases.flatMap((p) => p.milestones).filter((m) => tasks.some((t) => t.milestoneId === m.id));
  const prds = milestones.flatMap((m) => m.prds).filter((prd) => tasks.some((t) => t.prdId === prd.id));
  const taskForecasts = tasks.map((t): TaskForecast => {
    const p = predictions.get(t.features.taskId)!;
    return { taskId: t.features.taskId, durationMs: roundMs(p.durationMs), costUsd: roundUsd(p.costUsd), risk: roundRisk(p.risk), basis: p.basis, samples: p.samples };
  });
  const onDefaults = taskForecasts.filter((t) => t.basis === 'defaults').map((t) => t.taskId);
  // Nothing rests on history unless some task's estimate does: a roadmap with no tasks included.
  const basis = onDefaults.length === taskForecasts.length ? 'defaults' : 'history';
  const note = taskForecasts.length === 0 ? noTasksNote(input.roadmap) : defaultsNote(onDefaults, taskForecasts.length);
  return {
    basis,
    ...(note === undefined ? {} : { note }),
    parallel,
    run: group('run', input.roadmap.title, tasks),
    milestones: milestones.map((m) => group(m.id, m.title, tasks.filter((t) => t.milestoneId === m.id))),
    prds: prds.map((prd) => group(prd.id, prd.title, tasks.filter((t) => t.prdId === prd.id))),
    tasks: taskForecasts,
  };
}

export function simTask(t: PlannedTask, p: TaskPrediction, elapsedMs?: number): SimTask {
  return { id: t.features.taskId, durationMs: p.durationMs, costUsd: p.costUsd, risk: p.risk, after: t.after, phaseIndex: t.phaseIndex, ...(elapsedMs === undefined ? {} : { elapsedMs }) };
}

/** Names the tasks on defaults: all of them, or which when only some had no history. */
// A roadmap of milestones alone is how most runs start: the planner writes their PRDs during the run.
function noTasksNote(roadmap: PlanInput['roadmap']): string {
  const milestones = roadmap.phases.flatMap((p) => p.milestones);
  const unplanned = milestones.filter((m) => m.prds.every((prd) => prd.tasks.length === 0)).length;
  if (unplanned === 0) return 'no tasks to estimate: the roadmap has no PRD with tasks yet';
  return `no tasks to estimate yet: ${unplanned} of ${milestones.length} milestones have no PRD with tasks; the planning agent writes them during the run (or \`orch plan --infer\` first), and their estimates follow`;
}

function defaultsNote(onDefaults: readonly string[], total: number): string | undefined {
  if (onDefaults.length === 0) return undefined;
  if (onDefaults.length === total) return DEFAULTS_NOTE;
  const named = onDefaults.slice(0, 5).join(', ') + (onDefaults.length > 5 ? ` and ${onDefaults.length - 5} more` : '');
  return `${onDefaults.length} of ${total} tasks have no similar history (${named}); for them, ${DEFAULTS_NOTE.replace(/^no history: /, '')}`;
}

// Milliseconds, micro-dollars and a tenth of a percent: finer would be noise, not precision.
export function roundMs(i: Interval): Interval {
  return { p50: Math.round(i.p50), lo: Math.round(i.lo), hi: Math.round(i.hi) };
}

export function roundUsd(i: Interval): Interval {
  const r = (n: number): number => Math.round(n * 1e6) / 1e6;
  return { p50: r(i.p50), lo: r(i.lo), hi: r(i.hi) };
}

export function roundRisk(risk: number): number {
  return Math.round(risk * 1000) / 1000;
}
