import { z } from 'zod';

/** How the engine adapts during a run (docs/architecture.md, "Adaptation"). */
export const adaptSettings = z
  .object({
    /** Off: a static run (the plain order, the assigned agents, `parallel` throughout), for comparison. */
    enabled: z.boolean().default(true),
    /** Seconds without a new 429, 529 or memory pressure, with an attempt succeeding, before one more attempt may run at once (429s the request pace already answers are no news). */
    quietSec: z.number().positive().max(3_600).default(5),
    /** Seconds after halving the parallelism during which further 429s count as the same burst. */
    holdSec: z.number().nonnegative().max(3_600).default(5),
    /** Share of an agent's budget spent from which it counts as saturated and a teammate takes its next task. */
    agentBudgetShare: z.number().positive().max(1).default(0.9),
  })
  .strict();
