// The router's history, read off a run's folded state: pure, so a resume rebuilds it exactly.

import type { RunSnapshot } from '../../protocol/run-snapshot';
import type { ModelCatalog } from './model-catalog';
import type { RoutedOutcome, RoutingHistory } from './routing-history';

export function historyFromRun(run: RunSnapshot, catalog: ModelCatalog): RoutingHistory {
  const outcomes: RoutedOutcome[] = [];
  const attemptCosts = new Map<string, number[]>();
  const canonical = (model: string): string => catalog.get(model)?.name ?? model;
  for (const attempt of Object.values(run.attempts)) {
    if (attempt.state === 'running') continue;
    // A fallback split the cost between models: only a whole attempt on one model predicts its price.
    if (attempt.costByModel !== undefined || attempt.costUsd <= 0) continue;
    const key = canonical(attempt.model);
    const list = attemptCosts.get(key) ?? [];
    list.push(attempt.costUsd);
    attemptCosts.set(key, list);
  }
  for (const task of Object.values(run.tasks)) {
    if (task.routing === undefined || task.attempts.length === 0) continue;
    const done = task.state === 'verified' || task.state === 'blocked' || task.state === 'failed' || task.defects > 0 || task.attempts.length > 1;
    if (!done) continue;
    outcomes.push({ model: canonical(task.routing.model), complexity: task.routing.complexity, firstPass: task.state === 'verified' && task.attempts.length === 1 && task.defects === 0 });
  }
  return { outcomes, attemptCosts };
}
