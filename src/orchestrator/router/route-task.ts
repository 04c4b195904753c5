// The router: one pure, explainable decision per task. A pin always wins; otherwise the
// cheapest model of the agent's provider whose expected first-pass verification rate for a
// task this hard meets the target; the agent's own model when routing is off.

import type { Task } from '../../protocol/domain';
import type { ModelCatalog, ModelInfo, Tier } from './model-catalog';
import { calibration, predictAttemptCostUsd, type RoutingHistory, expectedFirstPass } from './routing-history';
import { taskComplexity, type Complexity } from './task-complexity';

export interface RouteInput {
  readonly task: Task;
  readonly phase: string;
  readonly agentName: string;
  readonly agentProvider: 'claude' | 'openai';
  /** The agent file's model (`inherit` already resolved). */
  readonly agentModel: string;
}

export interface RouteOptions {
  readonly enabled: boolean;
  readonly targetFirstPassRate: number;
}

export interface Alternative {
  readonly model: string;
  readonly expectedFirstPass: number;
  readonly expectedCostUsd: number;
}

/** `reasons[0]` is the decision in one line, `reasons[1]` the complexity behind it, then what was passed over. */
export interface RouteDecision {
  readonly model: string;
  readonly source: 'pin' | 'router' | 'agent';
  readonly complexity: number;
  readonly reasons: readonly string[];
  readonly alternatives: readonly Alternative[];
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function usd(x: number): string {
  return `$${x.toFixed(x < 0.01 ? 4 : 3)}`;
}

export function routeTask(input: RouteInput, catalog: ModelCatalog, history: RoutingHistory, options: RouteOptions): RouteDecision {
  const roleTier: Tier | undefined = catalog.get(input.agentModel)?.tier;
  const complexity = taskComplexity(input.task, input.phase, roleTier);
  const why = `complexity ${complexity.score.toFixed(2)}: ${complexity.parts.map((p) => `${p.label} ${p.value >= 0 ? '+' : ''}${p.value.toFixed(2)}`).join(', ')}`;
  const alternatives = catalog.candidates(input.agentProvider).map((m) => alternative(m, complexity, history));
  const learned = catalog.candidates(input.agentProvider).flatMap((m) => {
    const e = calibration(m, history, (o) => o.earlier === true);
    return e.tasks === 0 ? [] : [`learned from history: ${m.name} failed ${e.failures} of ${e.tasks} first attempts in earlier runs, where ${e.expectedFailures.toFixed(1)} were expected`];
  });
  if (input.task.model !== undefined) {
    return { model: input.task.model, source: 'pin', complexity: complexity.score, reasons: [`pinned to ${input.task.model} by the PRD: never overridden`, why], alternatives };
  }
  if (!options.enabled) {
    return { model: input.agentModel, source: 'agent', complexity: complexity.score, reasons: [`the router is off: ${input.agentName}'s model ${input.agentModel}`, why], alternatives };
  }
  const target = options.targetFirstPassRate;
  const meeting = alternatives.filter((a) => a.expectedFirstPass >= target).sort((a, b) => a.expectedCostUsd - b.expectedCostUsd);
  const chosen = meeting[0];
  if (chosen === undefined) {
    const best = [...alternatives].sort((a, b) => b.expectedFirstPass - a.expectedFirstPass)[0];
    if (best === undefined) return { model: input.agentModel, source: 'agent', complexity: complexity.score, reasons: [`no ${input.agentProvider} model in the catalog: ${input.agentName}'s model`, why], alternatives };
    return {
      model: best.model,
      source: 'router',
      complexity: complexity.score,
      reasons: [`no model reaches the ${pct(target)} first-pass target; ${best.model} is the likeliest (${pct(best.expectedFirstPass)}, ~${usd(best.expectedCostUsd)} an attempt)`, why, ...learned],
      alternatives,
    };
  }
  const cheaper = alternatives.filter((a) => a.expectedCostUsd < chosen.expectedCostUsd);
  return {
    model: chosen.model,
    source: 'router',
    complexity: complexity.score,
    reasons: [
      `${chosen.model}: expected first pass ${pct(chosen.expectedFirstPass)} >= target ${pct(target)} at ~${usd(chosen.expectedCostUsd)} an attempt, the cheapest that meets it`,
      why,
      ...learned,
      ...cheaper.map((a) => `${a.model} is cheaper (~${usd(a.expectedCostUsd)}) but expects ${pct(a.expectedFirstPass)}`),
    ],
    alternatives,
  };
}

function alternative(m: ModelInfo, complexity: Complexity, history: RoutingHistory): Alternative {
  return {
    model: m.name,
    expectedFirstPass: Math.round(expectedFirstPass(m, complexity.score, history) * 1000) / 1000,
    expectedCostUsd: predictAttemptCostUsd(m, complexity.score, history),
  };
}
