// Budgets that hold inside a model turn. The CLI checks its own cap only between turns, but
// its stream tells a turn's input at the turn's start and its output as it grows. Each running
// attempt reports here; when its spend, with what the others have spent, crosses a run, agent
// or task budget, or when the next turn it asked for would (a turn's input is at least the
// last one's: the context only grows), the attempt is stopped at once.

import { attemptModel } from '../../protocol/model-of-record';
import type { AttemptSnapshot, RunSnapshot } from '../../protocol/run-snapshot';
import type { SpendReport } from '../runner/attempt-request';
import type { TurnUsage } from '../runner/stream-spend';
import { priceUsd, type ModelCatalog, type ModelInfo } from './model-catalog';

export interface LiveAttempt {
  readonly agent: string;
  /** What the running attempt has spent so far, as streamed. */
  readonly usd: number;
  /** The turn it asked for and has not started: at least the input side of its last turn. */
  readonly nextTurnUsd: number;
}

export interface SpendLimits {
  readonly taskUsd?: (taskId: string) => number | undefined;
  readonly agentUsd: (agent: string) => number | undefined;
}

function usd(x: number): string {
  return `$${x.toFixed(4)}`;
}

function inputSideUsd(m: ModelInfo | undefined, turn: TurnUsage): number {
  return m === undefined ? 0 : priceUsd(m, { inputTokens: turn.inputTokens, outputTokens: 0, cacheReadTokens: turn.cacheReadTokens, cacheWriteTokens: turn.cacheWriteTokens });
}

function turnUsd(m: ModelInfo | undefined, turn: TurnUsage): number {
  return m === undefined ? 0 : priceUsd(m, { inputTokens: turn.inputTokens, outputTokens: turn.outputTokens, cacheReadTokens: turn.cacheReadTokens, cacheWriteTokens: turn.cacheWriteTokens });
}

export class SpendWatch {
  private readonly live = new Map<string, LiveAttempt>();
  /** The cheapest first turn seen per model, and the last turn's input side per task: the least a new attempt will spend. */
  private readonly firstTurnByModel = new Map<string, number>();
  private readonly lastTurnByTask = new Map<string, number>();
  private waiters: (() => void)[] = [];
  private seeded = false;

  constructor(
    private readonly state: () => RunSnapshot,
    private readonly catalog: ModelCatalog,
    private readonly limits: SpendLimits,
  ) {}

  /** Running attempts other than this task's, with their streamed spend. */
  others(taskId: string): readonly LiveAttempt[] {
    const run = this.state();
    // An attempt whose end is logged already counts in the run's cost.
    const running = (id: string): boolean => run.attempts[run.tasks[id]?.attempts.at(-1) ?? '']?.state === 'running';
    return [...this.live].filter(([id]) => id !== taskId && running(id)).map(([, a]) => a);
  }

  /** Resolves when a running attempt reports its first spend. */
  reported(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The task's running attempt, if it has reported. */
  of(taskId: string): LiveAttempt | undefined {
    return this.live.get(taskId);
  }

  /** The least the task's next attempt on this model will spend, from the turns seen: 0 before any. */
  floorUsd(taskId: string, model: string): number {
    this.seed();
    const name = this.catalog.get(model)?.name ?? model;
    return this.lastTurnByTask.get(taskId) ?? this.firstTurnByModel.get(name) ?? 0;
  }

  /**
   * A resumed run starts from the turns its log shows: an attempt's input tokens over its turns
   * (a turn per tool call, and the last), each at most its last turn's input, since context grows.
   */
  private seed(): void {
    if (this.seeded) return;
    this.seeded = true;
    for (const a of Object.values(this.state().attempts)) {
      const perTurn = this.perTurnInputUsd(a);
      if (perTurn === undefined) continue;
      const name = this.catalog.get(attemptModel(a))?.name ?? attemptModel(a);
      this.firstTurnByModel.set(name, Math.min(this.firstTurnByModel.get(name) ?? Infinity, perTurn));
      this.lastTurnByTask.set(a.taskId, perTurn);
    }
  }

  private perTurnInputUsd(a: AttemptSnapshot): number | undefined {
    const model = this.catalog.get(attemptModel(a));
    if (a.state === 'running' || a.inputTokens <= 0 || model === undefined) return undefined;
    const turns = 1 + a.activity.filter((x) => x.kind === 'tool-call').length;
    return priceUsd(model, { inputTokens: a.inputTokens / turns, outputTokens: 0 });
  }

  /** The runner's hook for one attempt: a reason stops it. */
  watcher(taskId: string, agent: string): (report: SpendReport) => string | undefined {
    return (report) => this.check(taskId, agent, report);
  }

  /** The attempt ended: its cost is in the state now. */
  end(taskId: string): void {
    this.live.delete(taskId);
  }

  private check(taskId: string, agent: string, report: SpendReport): string | undefined {
    const model = this.catalog.get(report.model);
    const turns = report.turns;
    const last = turns.at(-1);
    const spent = report.earlierTriesUsd + turns.reduce((sum, t) => sum + turnUsd(model, t), 0);
    const lastInput = last === undefined ? 0 : inputSideUsd(model, last);
    if (last !== undefined) {
      this.lastTurnByTask.set(taskId, lastInput);
      const name = model?.name ?? report.model;
      if (turns.length === 1) this.firstTurnByModel.set(name, Math.min(this.firstTurnByModel.get(name) ?? Infinity, lastInput));
    }
    const nextTurnUsd = last?.wantsTool === true ? lastInput : 0;
    const first = !this.live.has(taskId);
    this.live.set(taskId, { agent, usd: spent, nextTurnUsd });
    if (first) for (const wake of this.waiters.splice(0)) wake();

    const verdict = this.verdict(taskId, agent, spent, nextTurnUsd);
    // A stopped attempt takes no next turn: the others may count on what it leaves.
    if (verdict !== undefined) this.live.set(taskId, { agent, usd: spent, nextTurnUsd: 0 });
    return verdict;
  }

  private verdict(taskId: string, agent: string, spent: number, nextTurnUsd: number): string | undefined {
    const run = this.state();
    const others = this.others(taskId);
    // What the others have streamed, and the turns they asked for: committed unless they are stopped too.
    const committed = (list: readonly LiveAttempt[]): { now: number; next: number } => ({ now: list.reduce((s, a) => s + a.usd, 0), next: list.reduce((s, a) => s + a.nextTurnUsd, 0) });
    const limits: { what: string; left: number; othersNext: number }[] = [];
    if (run.budgetUsd !== undefined) {
      const c = committed(others);
      limits.push({ what: `the run budget ${usd(run.budgetUsd)}`, left: run.budgetUsd - run.costUsd - c.now, othersNext: c.next });
    }
    const agentLimit = this.limits.agentUsd(agent);
    if (agentLimit !== undefined) {
      const done = Object.values(run.attempts).filter((a) => a.agent === agent && a.state !== 'running').reduce((s, a) => s + a.costUsd, 0);
      const c = committed(others.filter((a) => a.agent === agent));
      limits.push({ what: `agent ${agent}'s budget ${usd(agentLimit)}`, left: agentLimit - done - c.now, othersNext: c.next });
    }
    const taskLimit = this.limits.taskUsd?.(taskId);
    if (taskLimit !== undefined) limits.push({ what: `${taskId}'s task cap ${usd(taskLimit)}`, left: taskLimit - (run.tasks[taskId]?.costUsd ?? 0), othersNext: 0 });
    for (const limit of limits) {
      if (spent > limit.left + 1e-9) return `${limit.what} is crossed: this attempt has spent ${usd(spent)} of the ${usd(Math.max(0, limit.left))} it left`;
      if (nextTurnUsd > 0 && spent + nextTurnUsd + limit.othersNext > limit.left + 1e-9) {
        const others = limit.othersNext > 0 ? ` after the ${usd(limit.othersNext)} the other running attempts' next turns need` : '';
        return `${limit.what} would be crossed by the next turn: this attempt has spent ${usd(spent)}, its next turn's input alone is about ${usd(nextTurnUsd)}, and the budget leaves ${usd(Math.max(0, limit.left))}${others}`;
      }
    }
    return undefined;
  }
}
