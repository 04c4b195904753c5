// The router, budgets and fallback chains as one run sees them: the engine asks it which model
// a task runs on, whether its next attempt may start and under what cap, and how to retry.

import type { NewEvent } from '../../protocol/events';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import type { OrchConfig } from '../config/orch-config';
import type { Assignment } from '../engine/assign-agents';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../runner/attempt-request';
import type { Task } from '../../protocol/domain';
import { BudgetGuard, type Allowance } from './budget-guard';
import { SpendWatch } from './spend-watch';
import type { RequestPace, SpendReport } from '../runner/attempt-request';
import { historyFromRun } from './history-from-run';
import { ModelCatalog, type ModelInfo, type Tier } from './model-catalog';
import { routeTask } from './route-task';
import { predictAttemptCostUsd, type RoutedOutcome, type RoutingHistory } from './routing-history';
import { taskComplexity } from './task-complexity';
import { agentModel } from './agent-model';
import { tierAdaptation } from '../adapt/model-tier';

export interface RouterPorts {
  readonly config: OrchConfig;
  readonly state: () => RunSnapshot;
  readonly append: (event: NewEvent) => Promise<unknown>;
  readonly assignments: ReadonlyMap<string, Assignment>;
  readonly tasks: ReadonlyMap<string, { readonly task: Task }>;
  /** Earlier runs' outcomes in this workspace: the router starts from them. */
  readonly earlier?: readonly RoutedOutcome[];
  /** False: a static run, whose tier changes are not logged as adaptations. */
  readonly adapt?: boolean;
  /** The run's shared request pace, when adaptation is on: every attempt's tries go through it. */
  readonly pace?: RequestPace;
}

const TIER_RANK: Readonly<Record<Tier, number>> = { fast: 0, balanced: 1, strong: 2 };

// Failures another model may not have: the chain moves on. Others (auth, spend limit) it cannot fix.
const UNAVAILABLE = /\(404\)|not[_ ]found|unavailable|does not exist|may not exist|no such model|not supported|issue with the selected model/i;

export class RunRouter {
  readonly catalog: ModelCatalog;
  readonly budget: BudgetGuard;
  readonly spend: SpendWatch;
  private readonly admitted = new Map<string, Allowance>();
  private history: { readonly seq: number; readonly value: RoutingHistory } | undefined;

  constructor(private readonly ports: RouterPorts) {
    this.catalog = ModelCatalog.build(ports.config.models);
    const limits = {
      taskUsd: (taskId: string) => ports.tasks.get(taskId)?.task.budgetUsd ?? ports.config.taskBudgetUsd,
      agentUsd: (agent: string) => [...ports.assignments.values()].find((a) => a.agent.name === agent)?.agent.budgetUsd,
    };
    this.spend = new SpendWatch(ports.state, this.catalog, limits);
    this.budget = new BudgetGuard(ports.state, limits, (taskId) => this.spend.of(taskId));
  }

  /** The task's model: decided once, at its first dispatch, and recorded; a resume reads it back. */
  async route(taskId: string): Promise<string> {
    const known = this.ports.state().tasks[taskId]?.routing;
    if (known !== undefined) return known.model;
    const input = this.routeInput(taskId);
    const decision = routeTask(input, this.catalog, this.currentHistory(), this.ports.config.router);
    await this.ports.append({ type: 'model.routed', taskId, ...decision });
    const moved = this.ports.adapt === false ? undefined : tierAdaptation(taskId, input, decision, this.catalog, this.currentHistory(), this.ports.config.router);
    if (moved !== undefined) await this.ports.append({ type: 'run.adapted', ...moved });
    return decision.model;
  }

  /**
   * What the task's next attempt would be given if it were dispatched now, deciding and reserving
   * nothing: its model, and its budget cap. A guess for starting its CLI ahead; the dispatch decides.
   */
  preview(taskId: string): { readonly model: string; readonly capUsd?: number } | undefined {
    const model = this.ports.state().tasks[taskId]?.routing?.model ?? routeTask(this.routeInput(taskId), this.catalog, this.currentHistory(), this.ports.config.router).model;
    const predicted = Math.max(this.predictUsd(taskId, model), this.spend.floorUsd(taskId, model));
    const allowance = this.budget.allowance(taskId, this.assignment(taskId).agent.name, predicted);
    if (!allowance.ok) return undefined;
    return { model, ...(allowance.capUsd === undefined ? {} : { capUsd: allowance.capUsd }) };
  }

  private routeInput(taskId: string) {
    const a = this.assignment(taskId);
    const { task } = this.ports.tasks.get(taskId)!;
    return { task, phase: a.phase, agentName: a.agent.name, agentProvider: a.agent.provider, agentModel: agentModel(a.agent) };
  }

  /**
   * A routed task whose work on its model was not verified is reworked one tier up: the
   * checks caught the slip, and a stronger model fixes more of what a weaker one missed.
   * Pins and agents' own models stay as they are.
   */
  async escalate(taskId: string, attemptModel: string): Promise<void> {
    const routing = this.ports.state().tasks[taskId]?.routing;
    const current = this.catalog.get(attemptModel);
    if (routing?.source !== 'router' || current === undefined || this.catalog.get(routing.model)?.name !== current.name) return;
    const rank = (m: ModelInfo): number => TIER_RANK[m.tier];
    const next = this.catalog.candidates(current.provider).find((m) => rank(m) > rank(current));
    if (next === undefined) return;
    await this.ports.append({
      type: 'model.routed',
      taskId,
      model: next.name,
      source: 'router',
      complexity: routing.complexity,
      reasons: [`${next.name}: the rework goes one tier up, since ${current.name}'s attempt was not verified`, ...routing.reasons.slice(1)],
      alternatives: routing.alternatives,
    });
  }

  predictUsd(taskId: string, model: string): number {
    const info = this.catalog.get(model);
    if (info === undefined) return 0;
    const a = this.assignment(taskId);
    const complexity = this.ports.state().tasks[taskId]?.routing?.complexity ?? taskComplexity(this.ports.tasks.get(taskId)!.task, a.phase, info.tier).score;
    return predictAttemptCostUsd(info, complexity, this.currentHistory());
  }

  /** Rebuilt only when the log moved on: the dispatcher asks once per ready task per round. */
  private currentHistory(): RoutingHistory {
    const state = this.ports.state();
    if (this.history?.seq !== state.lastSeq) {
      const own = historyFromRun(state, this.catalog);
      this.history = { seq: state.lastSeq, value: { ...own, outcomes: [...(this.ports.earlier ?? []), ...own.outcomes] } };
    }
    return this.history.value;
  }

  /** May the task's next attempt start, and with what cap? Reserves the cap when it may. */
  admit(taskId: string, model: string): Allowance {
    const agent = this.assignment(taskId).agent.name;
    // Never less than the turns already seen cost: a first guess must not start what cannot be paid.
    const predicted = Math.max(this.predictUsd(taskId, model), this.spend.floorUsd(taskId, model));
    const allowance = this.budget.allowance(taskId, agent, predicted);
    if (allowance.ok) {
      this.budget.reserve(taskId, agent, allowance.capUsd ?? predicted);
      this.admitted.set(taskId, allowance);
    }
    return allowance;
  }

  /**
   * Under a run or agent budget, before any turn on this model has shown what a turn costs, the
   * attempts already admitted go first: one turn's input of each could otherwise cross it together.
   * Says which attempts a new dispatch waits for, if any.
   */
  waitsForFirstTurn(taskId: string, model: string): readonly string[] {
    const limited = this.ports.state().budgetUsd !== undefined || this.assignment(taskId).agent.budgetUsd !== undefined;
    if (!limited || this.spend.floorUsd(taskId, model) > 0) return [];
    // Only the claude CLI streams its spend; an OpenAI attempt would be waited for to its end.
    const streams = (id: string): boolean => this.ports.assignments.get(id)?.agent.provider !== 'openai';
    return this.budget.reserved().filter((id) => id !== taskId && streams(id) && this.spend.of(id) === undefined);
  }

  /** The admission the dispatcher already granted for this attempt, else a fresh one. */
  admission(taskId: string, model: string): Allowance {
    const granted = this.admitted.get(taskId);
    this.admitted.delete(taskId);
    return granted ?? this.admit(taskId, model);
  }

  /** The attempt ended: its cost is in the state now, so its reservation goes. */
  settle(taskId: string): void {
    this.admitted.delete(taskId);
    this.budget.release(taskId);
    this.spend.end(taskId);
  }

  /** The runner's in-turn budget check for the task's running attempt. */
  spendWatcher(taskId: string): (report: SpendReport) => string | undefined {
    return this.spend.watcher(taskId, this.assignment(taskId).agent.name);
  }

  /** The runner's retry policy for one attempt: overloaded or unavailable models move down the chain. */
  retryPolicy(taskId: string, attemptId: string, model: string): RetryPolicy {
    const pinned = this.assignment(taskId).pinned;
    const chain = pinned && !this.ports.config.router.fallbackPinned ? [] : this.catalog.fallbackChain(model);
    return {
      ...DEFAULT_RETRY_POLICY,
      ...(this.ports.pace === undefined ? {} : { pace: this.ports.pace }),
      maxRetries: Math.max(DEFAULT_RETRY_POLICY.maxRetries, chain.length + 1),
      retryOn: [...DEFAULT_RETRY_POLICY.retryOn, 'model-error'],
      onRetryableFailure: async (failure, _retry, current) => {
        const unavailable = failure.failure === 'model-error' && UNAVAILABLE.test(failure.message ?? '');
        if (failure.failure === 'model-error' && !unavailable) return { action: 'stop' };
        const canonical = (m: string): string => this.catalog.get(m)?.name ?? m;
        const at = chain.findIndex((m) => canonical(m) === canonical(current));
        const next = chain[at + 1];
        if (next === undefined) return unavailable ? { action: 'stop' } : { action: 'retry' };
        await this.ports.append({ type: 'model.fellBack', taskId, attemptId, from: current, to: next, reason: failure.message ?? failure.failure ?? 'unavailable', costUsdBefore: failure.costUsd });
        return { action: 'retry', model: next, delayMs: 0 };
      },
    };
  }

  private assignment(taskId: string): Assignment {
    const a = this.ports.assignments.get(taskId);
    if (a === undefined) throw new Error(`task ${taskId} has no assignment`);
    return a;
  }
}
