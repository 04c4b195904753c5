// What earlier tasks teach the router: first-pass rates by model and complexity band, and the
// real cost of attempts by model. Priors stand in until outcomes arrive, then give way to them.

import { priceUsd, type ModelInfo, type Tier } from './model-catalog';

export interface RoutedOutcome {
  readonly model: string;
  readonly complexity: number;
  /** Verified on its first attempt, with no defect. */
  readonly firstPass: boolean;
  /** From an earlier run of this workspace (.orch/orch.json), not this one. */
  readonly earlier?: boolean;
}

export interface RoutingHistory {
  readonly outcomes: readonly RoutedOutcome[];
  /**
   * What finished attempts really cost over what the catalog estimate said: how far this
   * workspace's token volume is from the assumed one. One factor for all models, so a model
   * with no attempts yet is never compared at a list price against another's real cost.
   */
  readonly costScale: number;
  readonly costSamples: number;
}

export const EMPTY_HISTORY: RoutingHistory = { outcomes: [], costScale: 1, costSamples: 0 };

// Assumed first-pass rates at complexity 0 and how fast they fall with it. An explicit,
// documented assumption: public coding benchmarks of late 2025 put the fast, balanced and
// strong Claude tiers within a few points of each other on ordinary repository work, the gap
// opening on the hardest tasks. Measured outcomes (this run's, and earlier runs' from
// .orch/orch.json) replace it band by band.
const PRIOR: Readonly<Record<Tier, { readonly base: number; readonly slope: number }>> = {
  strong: { base: 0.99, slope: 0.12 },
  balanced: { base: 0.98, slope: 0.25 },
  fast: { base: 0.97, slope: 0.35 },
};

// How much evidence the prior is worth, in failures: a model has to fail noticeably more (or
// less) often than assumed before its whole curve moves.
const PRIOR_FAILURES = 2;
const BANDWIDTH = 0.1;
function priorFirstPass(tier: Tier, complexity: number): number {
  const p = PRIOR[tier];
  return clamp(p.base - p.slope * complexity);
}

function clamp(p: number): number {
  return Math.max(0.05, Math.min(0.99, p));
}

export interface Calibration {
  /** Outcomes of this model seen. */
  readonly tasks: number;
  readonly failures: number;
  /** Failures the prior expected on those same tasks. */
  readonly expectedFailures: number;
  /** How many times more often than assumed the model fails: 1 with no evidence. */
  readonly scale: number;
}

/**
 * A model's measured reliability against its prior, pooled over every task it ran: each
 * outcome is compared with what the prior expected at that task's complexity. Pooling lets a
 * few dozen routine tasks calibrate a model, where per-band counts would flip on one slip.
 */
export function calibration(m: ModelInfo, history: RoutingHistory, only?: (o: RoutedOutcome) => boolean, near?: number): Calibration {
  let tasks = 0;
  let failures = 0;
  let expectedFailures = 0;
  for (const o of history.outcomes) {
    if (o.model !== m.name || (only !== undefined && !only(o))) continue;
    // Outcomes near the task's complexity count most: a slip on hard work says little about routine work.
    const w = near === undefined ? 1 : Math.exp(-Math.abs(o.complexity - near) / BANDWIDTH);
    tasks += 1;
    if (!o.firstPass) failures += w;
    expectedFailures += w * (1 - priorFirstPass(m.tier, o.complexity));
  }
  // The benefit of the doubt: failures count less their own noise (one standard deviation), so
  // a few early slips do not retire a model for the rest of the run, while a steady excess does.
  const beyondNoise = Math.max(0, failures - Math.sqrt(failures));
  return { tasks, failures, expectedFailures, scale: (beyondNoise + PRIOR_FAILURES) / (expectedFailures + PRIOR_FAILURES) };
}

export function expectedFirstPass(m: ModelInfo, complexity: number, history: RoutingHistory): number {
  return clamp(1 - (1 - priorFirstPass(m.tier, complexity)) * calibration(m, history, undefined, complexity).scale);
}

/** Tokens a Claude Code attempt typically moves (its own system prompt and tool results dominate). */
function expectedTokens(complexity: number): { inputTokens: number; outputTokens: number } {
  return { inputTokens: Math.round(40_000 + 160_000 * complexity), outputTokens: Math.round(2_000 + 8_000 * complexity) };
}

/** The catalog estimate for a task this hard, scaled by what attempts have really cost so far. */
export function predictAttemptCostUsd(m: ModelInfo, complexity: number, history: RoutingHistory): number {
  return estimatedAttemptCostUsd(m, complexity) * (history.costSamples > 0 ? history.costScale : 1);
}

export function estimatedAttemptCostUsd(m: ModelInfo, complexity: number): number {
  return priceUsd(m, expectedTokens(complexity));
}
