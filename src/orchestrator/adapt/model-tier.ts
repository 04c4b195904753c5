// A model moved a tier by what this workspace's history taught: the router's pick with the
// measured outcomes differs from its pick on the prior alone. The router decides; this only
// says so, with the rates and the samples behind the difference.

import type { AdaptationBody } from '../../protocol/events-adapt';
import type { ModelCatalog, Tier } from '../router/model-catalog';
import { routeTask, type RouteDecision, type RouteInput, type RouteOptions } from '../router/route-task';
import { calibration, EMPTY_HISTORY, type RoutingHistory } from '../router/routing-history';

const RANK: Readonly<Record<Tier, number>> = { fast: 0, balanced: 1, strong: 2 };

export function tierAdaptation(taskId: string, input: RouteInput, learned: RouteDecision, catalog: ModelCatalog, history: RoutingHistory, options: RouteOptions): AdaptationBody | undefined {
  if (learned.source !== 'router' || (history.outcomes.length === 0 && history.costSamples === 0)) return undefined;
  const prior = routeTask(input, catalog, EMPTY_HISTORY, options);
  if (prior.model === learned.model) return undefined;
  const from = catalog.get(prior.model);
  const to = catalog.get(learned.model);
  if (from === undefined || to === undefined) return undefined;
  const direction = RANK[to.tier] > RANK[from.tier] ? 'up' : RANK[to.tier] < RANK[from.tier] ? 'down' : 'across';
  const describe = (model: string): string => {
    const info = catalog.get(model)!;
    const before = prior.alternatives.find((a) => a.model === model)?.expectedFirstPass;
    const after = learned.alternatives.find((a) => a.model === model)?.expectedFirstPass;
    const c = calibration(info, history);
    return `${model} expects ${pct(after)} first pass (prior ${pct(before)}; ${c.failures} failed of ${c.tasks} first attempts seen)`;
  };
  const cost = history.costSamples > 0 ? `; attempts cost x${history.costScale.toFixed(2)} the estimate over ${history.costSamples} sample(s)` : '';
  return {
    kind: 'model-tier',
    taskId,
    from: prior.model,
    to: learned.model,
    reason: `history moved the pick ${direction} from ${prior.model} (${from.tier}) to ${learned.model} (${to.tier}) against the ${pct(options.targetFirstPassRate)} target: ${describe(prior.model)}; ${describe(learned.model)}${cost}`,
  };
}

function pct(x: number | undefined): string {
  return x === undefined ? '?' : `${(x * 100).toFixed(1)}%`;
}
