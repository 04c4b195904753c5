// The engine's adaptations for one run, behind one object the dispatch loop asks each round:
// how many attempts may run at once, in which order the ready work goes, and whether a
// saturated agent's task goes to a teammate. Every decision it takes is a `run.adapted` event
// with its reason; switched off (config `adapt.enabled: false`, or ORCH_ADAPT=0) it takes none.

import type { NewEvent } from '../../protocol/events';
import type { AdaptationBody } from '../../protocol/events-adapt';
import type { RunSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import type { RegistrySnapshot } from '../agents/agent-types';
import type { Assignment } from '../engine/assign-agents';
import type { Clock } from '../ports';
import { orderByPredictedDuration, type DurationEstimator } from './order-ready';
import { initialParallelism, stepParallelism, type ParallelismState, type Pressure } from './parallelism';
import { PressureWatch } from './pressure-watch';
import { RequestPacer } from './request-pacer';
import { spreadLoad, type AgentLoad } from './spread-load';

export interface AdapterPorts {
  readonly enabled: boolean;
  readonly clock: Clock;
  readonly append: (event: NewEvent) => Promise<unknown>;
  /** `--parallel`, already capped by the memory free at the start. */
  readonly ceiling: number;
  readonly quietSec: number;
  readonly holdSec: number;
  readonly agentBudgetShare: number;
  /** Free memory now, and what one more agent process needs. */
  readonly memory: { readonly free: () => number; readonly perAgent: number };
  readonly estimate?: DurationEstimator;
  readonly registry?: RegistrySnapshot;
  /** The run so far: a resume starts from the limit its log last set. */
  readonly run: RunSnapshot;
}

export class RunAdapter {
  readonly watch = new PressureWatch();
  /** The shared request pace every attempt's tries go through; none in a static run. */
  readonly pace: RequestPacer | undefined;
  private parallelism: ParallelismState;
  private lastOrder: string | undefined;

  constructor(private readonly ports: AdapterPorts) {
    const last = (ports.run.adaptations ?? []).filter((a) => a.kind === 'parallelism').at(-1)?.to;
    this.parallelism = initialParallelism(ports.ceiling, ports.clock.now().getTime(), last === undefined ? undefined : Number(last));
    this.pace = ports.enabled ? new RequestPacer({ clock: ports.clock, log: (a) => this.log(a) }) : undefined;
  }

  /** How many attempts may run at once now. */
  get limit(): number {
    return this.ports.enabled ? this.parallelism.limit : this.ports.ceiling;
  }

  /** Resolves when a 429, a 529 or an attempt's end calls for another look; never, switched off. */
  changed(): Promise<void> {
    return this.ports.enabled ? this.watch.changed() : new Promise<void>(() => undefined);
  }

  /** Takes in what happened since the last round and moves the limit if it calls for it. */
  async adjust(inFlight: number): Promise<void> {
    const seen = this.watch.drain();
    if (!this.ports.enabled) return;
    // Once the limit was halved for a storm the pace is holding, its 429s are the pace's to answer
    // (fewer tries a minute), not this limit's: attempts that think between requests can overlap.
    const paced = this.pace?.limiting === true && this.parallelism.backedOffAt !== undefined;
    const pressure: Pressure[] = seen.pressure.map((p) => (paced && p.kind === 'rate-limited' && p.status === 429 ? { ...p, fresh: false } : p));
    const free = this.ports.memory.free();
    // Room for fewer than one more agent while some run: starting another would swap or be killed.
    if (inFlight > 0 && free * 0.8 < this.ports.memory.perAgent) pressure.push({ kind: 'memory', freeBytes: free, neededBytes: this.ports.memory.perAgent });
    const step = stepParallelism(this.parallelism, { pressure, successes: seen.successes }, this.ports.clock.now().getTime(), {
      ceiling: this.ports.ceiling,
      holdMs: this.ports.holdSec * 1000,
      quietMs: this.ports.quietSec * 1000,
    });
    this.parallelism = step.state;
    if (step.change !== undefined && step.change.to < step.change.from) this.watch.backedOff();
    if (step.change !== undefined) await this.log({ kind: 'parallelism', from: String(step.change.from), to: String(step.change.to), reason: step.change.reason });
  }

  /** The ready work in the order it should start; a new order that differs from the plain one is logged once. */
  async order(plain: readonly TaskSnapshot[], run: RunSnapshot, phaseRank: (t: TaskSnapshot) => number): Promise<readonly TaskSnapshot[]> {
    if (!this.ports.enabled || this.ports.estimate === undefined) return plain;
    const all = run.taskOrder.map((id) => run.tasks[id]).filter((t): t is TaskSnapshot => t !== undefined);
    const ordering = orderByPredictedDuration(plain, all, this.ports.estimate, phaseRank);
    if (ordering.adaptation !== undefined && ordering.adaptation.to !== this.lastOrder) {
      this.lastOrder = ordering.adaptation.to;
      await this.log(ordering.adaptation);
    }
    return ordering.ready;
  }

  /**
   * The assignment a ready task should start with: a teammate's when its agent is saturated
   * and the task may move (logged), else undefined.
   */
  async spread(task: TaskSnapshot, assignment: Assignment, pinnedAgent: boolean, run: RunSnapshot, busy: (agent: string) => number): Promise<Assignment | undefined> {
    if (!this.ports.enabled || this.ports.registry === undefined) return undefined;
    const load = (agent: string): AgentLoad => ({ busy: busy(agent), spentUsd: spentBy(run, agent) });
    // Moved once, it stays: a teammate that fills up in turn must not bounce it back and forth.
    const moved = (run.adaptations ?? []).some((a) => a.kind === 'load-spread' && a.taskId === task.id);
    const fixed = pinnedAgent || moved || task.attempts.length > 0;
    const spread = spreadLoad({ taskId: task.id, phase: assignment.phase, assigned: assignment.agent, fixed }, this.ports.registry, load, this.ports.agentBudgetShare);
    if (spread === undefined) return undefined;
    await this.log(spread.adaptation);
    return { ...assignment, agent: spread.agent, reason: `${assignment.reason}; moved to ${spread.agent.name}: ${spread.adaptation.reason}` };
  }

  private log(adaptation: AdaptationBody): Promise<unknown> {
    return this.ports.append({ type: 'run.adapted', ...adaptation });
  }
}

function spentBy(run: RunSnapshot, agent: string): number {
  return Object.values(run.attempts).reduce((sum, a) => (a.agent === agent ? sum + a.costUsd : sum), 0);
}

/** The run's assignments with the teammates the log says took tasks over: a resume keeps them. */
export function withSpreads(base: ReadonlyMap<string, Assignment>, run: RunSnapshot, registry: RegistrySnapshot | undefined): Map<string, Assignment> {
  const assignments = new Map(base);
  for (const a of run.adaptations ?? []) {
    const current = a.taskId === undefined ? undefined : assignments.get(a.taskId);
    const agent = a.to === undefined ? undefined : registry?.agents.get(a.to);
    if (a.kind === 'load-spread' && current !== undefined && agent !== undefined) assignments.set(current.taskId, { ...current, agent });
  }
  return assignments;
}
