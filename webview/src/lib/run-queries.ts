import { DEFAULT_PHASES, type Milestone, type Phase, type Prd } from '../../../src/protocol/domain';
import type { RunSnapshot, TaskSnapshot } from '../../../src/protocol/run-snapshot';
import { tally, type Tally } from '../../../src/protocol/task-tally';
import type { ShownState } from './format';

// Read-only questions the views ask of a snapshot. Pure functions of plain data.


export function runTasks(run: RunSnapshot): readonly TaskSnapshot[] {
  return run.taskOrder.map((id) => run.tasks[id]).filter((t): t is TaskSnapshot => t !== undefined);
}

export function tasksWhere(run: RunSnapshot, keep: (t: TaskSnapshot) => boolean): readonly TaskSnapshot[] {
  return runTasks(run).filter(keep);
}

/** The milestones this run works on (all when it selected none). */
export function runMilestones(run: RunSnapshot, phase: Phase): readonly Milestone[] {
  const selected = new Set(run.milestones);
  return phase.milestones.filter((m) => selected.size === 0 || selected.has(m.id));
}

export function findMilestone(run: RunSnapshot, id: string): Milestone | undefined {
  for (const phase of run.roadmap?.phases ?? []) for (const m of phase.milestones) if (m.id === id) return m;
  return undefined;
}

export function findPrd(run: RunSnapshot, id: string): Prd | undefined {
  for (const phase of run.roadmap?.phases ?? []) for (const m of phase.milestones) for (const p of m.prds) if (p.id === id) return p;
  return undefined;
}

export interface PhaseStep {
  readonly phase: string;
  readonly state: ShownState;
  readonly tally: Tally;
}

/** The PRD's workflow pipeline: each phase's state from its tasks (a phase gate opens on all verified). */
export function phasePipeline(tasks: readonly TaskSnapshot[]): readonly PhaseStep[] {
  const named = new Set<string>(DEFAULT_PHASES);
  const extra = [...new Set(tasks.map((t) => t.phase).filter((p): p is string => p !== undefined && !named.has(p)))];
  return [...DEFAULT_PHASES, ...extra].map((phase) => {
    const own = tally(tasks.filter((t) => t.phase === phase));
    const state: ShownState =
      own.total === 0 ? 'empty' : own.verified === own.total ? 'done' : own.failed > 0 ? 'failed' : own.running > 0 ? 'running' : 'waiting';
    return { phase, state, tally: own };
  });
}
