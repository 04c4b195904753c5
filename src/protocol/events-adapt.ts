// Decisions the engine took during a run to fit the work to what it saw: the order of ready
// work, a model moved up or down a tier, a task handed to a less busy teammate, the number of
// attempts it lets run at once, the pace at which tries of the claude CLI may start. Each carries its reason, so a person can tell why a run behaved
// differently from its plan.

import type { EventEnvelope } from './events';

export type AdaptationKind = 'order' | 'model-tier' | 'load-spread' | 'parallelism' | 'request-rate';

export interface AdaptationBody {
  readonly kind: AdaptationKind;
  /** Why, with the numbers behind it (never empty). */
  readonly reason: string;
  readonly taskId?: string;
  /** What it was: a model, an agent, a limit, the plain order. */
  readonly from?: string;
  /** What it became. */
  readonly to?: string;
}

export type RunAdapted = EventEnvelope & { readonly type: 'run.adapted' } & AdaptationBody;
