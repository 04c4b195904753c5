// Hard budgets: the run's, each agent's and each task's. An attempt starts only when its
// predicted cost fits what the run's and the agent's budgets leave, and it is capped at that:
// spend has a ceiling. A task's own cap is a ceiling, not a forecast: its attempt runs capped
// at what the cap leaves (predictions are rough), and a task whose cap is spent stops alone
// (blocked), since more money for the run would not raise it.

import type { RunSnapshot } from '../../protocol/run-snapshot';
import type { LiveAttempt } from './spend-watch';

export interface BudgetLimits {
  /** The task's own cap: its PRD's `budgetUsd`, else the config's `taskBudgetUsd`. */
  readonly taskUsd?: (taskId: string) => number | undefined;
  readonly agentUsd: (agent: string) => number | undefined;
}

/**
 * `byTask`: the cap is what the task's own budget leaves. `scope` of a refusal: `run` (the run
 * or an agent budget: the run pauses until resumed with more) or `task` (this task's cap is spent).
 */
export type Allowance =
  | { readonly ok: true; readonly capUsd?: number; readonly byTask?: boolean }
  | { readonly ok: false; readonly reason: string; readonly scope: 'run' | 'task' };

/** An attempt may spend up to this many times its predicted cost before its cap stops it. */
export const CAP_HEADROOM = 3;

interface Reservation {
  readonly agent: string;
  readonly usd: number;
}

function usd(x: number): string {
  return `$${x.toFixed(4)}`;
}

export class BudgetGuard {
  private readonly reservations = new Map<string, Reservation>();

  constructor(
    private readonly state: () => RunSnapshot,
    private readonly limits: BudgetLimits,
    /** What a running attempt has streamed so far: its expected spend is at least that and its next turn. */
    private readonly live: (taskId: string) => LiveAttempt | undefined = () => undefined,
  ) {}

  /** What this task may spend on its next attempt, given what the others have reserved. */
  allowance(taskId: string, agent: string, predictedUsd: number): Allowance {
    const run = this.state();
    const caps: { what: string; left: number; limit: number }[] = [];
    const othersReserved = (match: (r: Reservation) => boolean): number =>
      [...this.reservations].filter(([id, r]) => id !== taskId && match(r)).reduce((sum, [id, r]) => sum + this.expected(id, r), 0);
    if (run.budgetUsd !== undefined) {
      caps.push({ what: `run budget ${usd(run.budgetUsd)}`, left: run.budgetUsd - run.costUsd - othersReserved(() => true), limit: run.budgetUsd });
    }
    const agentLimit = this.limits.agentUsd(agent);
    if (agentLimit !== undefined) {
      const spent = Object.values(run.attempts).filter((a) => a.agent === agent).reduce((sum, a) => sum + a.costUsd, 0);
      caps.push({ what: `agent ${agent}'s budget ${usd(agentLimit)}`, left: agentLimit - spent - othersReserved((r) => r.agent === agent), limit: agentLimit });
    }
    const taskLimit = this.limits.taskUsd?.(taskId);
    const taskLeft = taskLimit === undefined ? undefined : taskLimit - (run.tasks[taskId]?.costUsd ?? 0);
    if (taskLimit !== undefined && taskLeft !== undefined && taskLeft <= 0) {
      return { ok: false, scope: 'task', reason: `${taskId} has spent its task cap ${usd(taskLimit)} (${usd(taskLimit - taskLeft)} spent)` };
    }
    if (caps.length === 0 && taskLeft === undefined) return { ok: true };
    let cap = predictedUsd * CAP_HEADROOM;
    if (caps.length > 0) {
      const tightest = caps.reduce((a, b) => (b.left < a.left ? b : a));
      if (tightest.left <= 0 || predictedUsd > tightest.left) {
        return { ok: false, scope: 'run', reason: `${taskId}'s next attempt is predicted at ${usd(predictedUsd)} but the ${tightest.what} leaves ${usd(Math.max(0, tightest.left))}` };
      }
      // Reserving the whole remainder would serialise parallel tasks; a cap of a few predicted
      // attempts keeps the sum of all caps within the budget and leaves room for the others.
      cap = Math.min(cap, tightest.left);
    }
    if (taskLeft !== undefined && taskLeft < cap) return { ok: true, capUsd: taskLeft, byTask: true };
    return { ok: true, capUsd: cap };
  }

  private expected(taskId: string, r: Reservation): number {
    const live = this.live(taskId);
    return live === undefined ? r.usd : Math.max(r.usd, live.usd + live.nextTurnUsd);
  }

  /** Tasks whose admitted attempts have not ended. */
  reserved(): readonly string[] {
    return [...this.reservations.keys()];
  }

  reserve(taskId: string, agent: string, usdAmount: number): void {
    this.reservations.set(taskId, { agent, usd: usdAmount });
  }

  release(taskId: string): void {
    this.reservations.delete(taskId);
  }
}
