// The run's money in one place, for the end of a run, `orch status` and the dashboard: the
// budget, what was spent, by how much the spend went over, and how to go on when it paused.

import { formatMoney } from './format-money';
import type { RunSnapshot } from './run-snapshot';

export interface BudgetSummary {
  readonly budgetUsd: number | null;
  readonly spentUsd: number;
  readonly remainingUsd: number | null;
  /** Spent minus budget when the spend went over it, else 0. */
  readonly overshootUsd: number;
  /** The overshoot as a percentage of the budget. */
  readonly overshootPct: number;
  /** Paused because the budget ran out. */
  readonly pausedForBudget: boolean;
  /** The command that continues the run, with a budget that covers as much again as the last one. */
  readonly continueWith: string | null;
}

function cents(x: number): string {
  return (Math.ceil(x * 100) / 100).toFixed(2);
}

export function budgetSummary(run: RunSnapshot): BudgetSummary {
  const budget = run.budgetUsd;
  const spent = run.costUsd;
  const over = budget === undefined ? 0 : Math.max(0, spent - budget);
  const paused = run.state === 'paused' && /budget/i.test(run.pausedReason ?? '');
  return {
    budgetUsd: budget ?? null,
    spentUsd: spent,
    remainingUsd: budget === undefined ? null : Math.max(0, budget - spent),
    overshootUsd: over,
    overshootPct: budget === undefined || budget === 0 ? 0 : (100 * over) / budget,
    pausedForBudget: paused,
    continueWith: paused ? `orch resume ${run.runId} --budget ${cents(spent + (budget ?? spent))}` : null,
  };
}

/** `budget $0.50, spent $0.52: over by $0.02 (4.0%)`, and the command when paused for budget. */
export function budgetLines(s: BudgetSummary): string[] {
  if (s.budgetUsd === null) return [];
  const over = s.overshootUsd > 0 ? `: over by ${formatMoney(s.overshootUsd)} (${s.overshootPct.toFixed(1)}%)` : `, ${formatMoney(s.remainingUsd ?? 0)} left`;
  const lines = [`budget ${formatMoney(s.budgetUsd)}, spent ${formatMoney(s.spentUsd)}${over}`];
  if (s.continueWith !== null) lines.push(`paused for budget; continue with: ${s.continueWith}`);
  return lines;
}
