// What earlier tasks teach the router: first-pass rates by model and complexity band, and the
// real cost of attempts by model. Priors stand in until outcomes arrive, then give way to them.

import { priceUsd, type ModelInfo, type Tier } from './model-catalog';

export interface RoutedOutcome {
  readonly model: string;
  readonly complexity: number;
  /** Verified on its first attempt, with no defect. */
  readonly firstPass: boolean;
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
// documented assumption: replace with measured rates as outcomes accumulate.
const PRIOR: Readonly<Record<Tier, { readonly base: number; readonly slope: number }>> = {
  strong: { base: 0.97, slope: 0.12 },
  balanced: { base: 0.96, slope: 0.35 },
  fast: { base: 0.95, slope: 0.7 },
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
