// Hard budgets: the run's, each agent's and each task's. An attempt starts only when its
// predicted cost fits what all three leave, and it is capped at that: spend has a ceiling.

import type { RunSnapshot } from '../../protocol/run-snapshot';

export interface BudgetLimits {
  readonly taskUsd?: number;
  readonly agentUsd: (agent: string) => number | undefined;
}

export type Allowance = { readonly ok: true; readonly capUsd?: number } | { readonly ok: false; readonly reason: string };

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
  ) {}

  /** What this task may spend on its next attempt, given what the others have reserved. */
  allowance(taskId: string, agent: string, predictedUsd: number): Allowance {
    const run = this.state();
    const caps: { what: string; left: number; limit: number }[] = [];
    const othersReserved = (match: (r: Reservation) => boolean): number =>
      [...this.reservations].filter(([id, r]) => id !== taskId && match(r)).reduce((sum, [, r]) => sum + r.usd, 0);
    if (run.budgetUsd !== undefined) {
      caps.push({ what: `run budget ${usd(run.budgetUsd)}`, left: run.budgetUsd - run.costUsd - othersReserved(() => true), limit: run.budgetUsd });
    }
    const agentLimit = this.limits.agentUsd(agent);
    if (agentLimit !== undefined) {
      const spent = Object.values(run.attempts).filter((a) => a.agent === agent).reduce((sum, a) => sum + a.costUsd, 0);
      caps.push({ what: `agent ${agent}'s budget ${usd(agentLimit)}`, left: agentLimit - spent - othersReserved((r) => r.agent === agent), limit: agentLimit });
    }
    if (this.limits.taskUsd !== undefined) {
      caps.push({ what: `task cap ${usd(this.limits.taskUsd)}`, left: this.limits.taskUsd - (run.tasks[taskId]?.costUsd ?? 0), limit: this.limits.taskUsd });
    }
    if (caps.length === 0) return { ok: true };
    const tightest = caps.reduce((a, b) => (b.left < a.left ? b : a));
    if (tightest.left <= 0 || predictedUsd > tightest.left) {
      return { ok: false, reason: `${taskId}'s next attempt is predicted at ${usd(predictedUsd)} but the ${tightest.what} leaves ${usd(Math.max(0, tightest.left))}` };
    }
    // Reserving the whole remainder would serialise parallel tasks; a cap of a few predicted
    // attempts keeps the sum of all caps within the budget and leaves room for the others.
    return { ok: true, capUsd: Math.min(tightest.left, predictedUsd * CAP_HEADROOM) };
  }

  reserve(taskId: string, agent: string, usdAmount: number): void {
    this.reservations.set(taskId, { agent, usd: usdAmount });
  }

  release(taskId: string): void {
    this.reservations.delete(taskId);
  }
}
