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

// How many observed outcomes the prior is worth.
const PRIOR_WEIGHT = 3;
const BANDS = 5;

export function band(complexity: number): number {
  return Math.min(BANDS - 1, Math.floor(complexity * BANDS));
}

export function priorFirstPass(tier: Tier, complexity: number): number {
  const p = PRIOR[tier];
  return Math.max(0.05, Math.min(0.99, p.base - p.slope * complexity));
}

export function expectedFirstPass(m: ModelInfo, complexity: number, history: RoutingHistory): number {
  const prior = priorFirstPass(m.tier, complexity);
  const b = band(complexity);
  let n = 0;
  let passes = 0;
  for (const o of history.outcomes) {
    if (o.model !== m.name || band(o.complexity) !== b) continue;
    n += 1;
    if (o.firstPass) passes += 1;
  }
  return (prior * PRIOR_WEIGHT + passes) / (PRIOR_WEIGHT + n);
}

/** What earlier runs taught about a model at this complexity band: first passes out of tasks. */
export function learnedEarlier(model: string, complexity: number, history: RoutingHistory): { readonly passes: number; readonly tasks: number } {
  const b = band(complexity);
  let tasks = 0;
  let passes = 0;
  for (const o of history.outcomes) {
    if (o.earlier !== true || o.model !== model || band(o.complexity) !== b) continue;
    tasks += 1;
    if (o.firstPass) passes += 1;
  }
  return { passes, tasks };
}

/** Tokens a Claude Code attempt typically moves (its own system prompt and tool results dominate). */
export function expectedTokens(complexity: number): { inputTokens: number; outputTokens: number } {
  return { inputTokens: Math.round(40_000 + 160_000 * complexity), outputTokens: Math.round(2_000 + 8_000 * complexity) };
}

/** The catalog estimate for a task this hard, scaled by what attempts have really cost so far. */
export function predictAttemptCostUsd(m: ModelInfo, complexity: number, history: RoutingHistory): number {
  return estimatedAttemptCostUsd(m, complexity) * (history.costSamples > 0 ? history.costScale : 1);
}

export function estimatedAttemptCostUsd(m: ModelInfo, complexity: number): number {
  return priceUsd(m, expectedTokens(complexity));
}
