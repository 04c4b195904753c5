// The router's history, read off a run's folded state: pure, so a resume rebuilds it exactly.

import type { RunSnapshot } from '../../protocol/run-snapshot';
import type { ModelCatalog } from './model-catalog';
import { estimatedAttemptCostUsd, type RoutedOutcome, type RoutingHistory } from './routing-history';

export function historyFromRun(run: RunSnapshot, catalog: ModelCatalog): RoutingHistory {
  const outcomes: RoutedOutcome[] = [];
  const canonical = (model: string): string => catalog.get(model)?.name ?? model;
  let observed = 0;
  let estimated = 0;
  let costSamples = 0;
  for (const attempt of Object.values(run.attempts)) {
    if (attempt.state === 'running') continue;
    // A fallback split the cost between models: only a whole attempt on one model says what its tokens cost.
    if (attempt.costByModel !== undefined || attempt.costUsd <= 0) continue;
    const info = catalog.get(attempt.model);
    const complexity = run.tasks[attempt.taskId]?.routing?.complexity;
    if (info === undefined || complexity === undefined) continue;
    observed += attempt.costUsd;
    estimated += estimatedAttemptCostUsd(info, complexity);
    costSamples += 1;
  }
  for (const task of Object.values(run.tasks)) {
    if (task.routing === undefined || task.attempts.length === 0) continue;
    const done = task.state === 'verified' || task.state === 'blocked' || task.state === 'failed' || task.defects > 0 || task.attempts.length > 1;
    if (!done) continue;
    // First pass is the first attempt's model's result: a rework may have gone a tier up.
    const first = run.attempts[task.attempts[0]!]?.model ?? task.routing.model;
    outcomes.push({ model: canonical(first), complexity: task.routing.complexity, firstPass: task.state === 'verified' && task.attempts.length === 1 && task.defects === 0 });
  }
  return { outcomes, costScale: estimated > 0 ? observed / estimated : 1, costSamples };
}
