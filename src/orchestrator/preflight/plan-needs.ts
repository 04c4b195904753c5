import type { Provider, Roadmap } from '../../protocol/domain';
import { qualifiedTaskId } from '../../protocol/ids';
import type { RegistrySnapshot } from '../agents/agent-types';
import type { OrchConfig } from '../config/orch-config';
import { assignAgents } from '../engine/assign-agents';
import { milestonesToPlan } from '../engine/plan-milestones';

/** What the tasks about to run need from the machine, each with who needs it (for the message). */
export interface PlanNeeds {
  readonly providers: ReadonlyMap<Provider, readonly string[]>;
  /** Tasks with a `browser` check in Chromium: they need Chromium. */
  readonly browserTasks: readonly string[];
  /** Tasks with a `browser` check in Firefox or WebKit, by engine. */
  readonly otherEngineTasks?: ReadonlyMap<'firefox' | 'webkit', readonly string[]>;
}

const PLANNER_NEED = 'the planner (product-planner)';

/**
 * The providers come from the same agent assignment the run makes (the router only picks
 * among a provider's own models), plus the planner when a milestone has no PRD yet.
 * `include` leaves out tasks that will not run (a resume skips verified ones).
 */
export function planNeeds(roadmap: Roadmap, milestones: readonly string[], registry: RegistrySnapshot, config: OrchConfig, include: (taskId: string) => boolean = () => true): PlanNeeds {
  const providers = new Map<Provider, string[]>();
  const need = (provider: Provider, who: string): void => {
    providers.set(provider, [...(providers.get(provider) ?? []), who]);
  };
  const assignments = assignAgents(roadmap, milestones, registry, config);
  const browserTasks: string[] = [];
  const otherEngineTasks = new Map<'firefox' | 'webkit', string[]>();
  for (const phase of roadmap.phases) {
    for (const milestone of phase.milestones) {
      for (const prd of milestone.prds) {
        for (const task of prd.tasks) {
          const id = qualifiedTaskId(prd.id, task.id);
          const assignment = assignments.get(id);
          if (assignment === undefined || !include(id)) continue;
          need(assignment.agent.provider, id);
          const engines = new Set(task.verify.flatMap((check) => (check.kind === 'browser' ? (check.browsers ?? config.browsers ?? ['chromium']) : [])));
          if (engines.has('chromium')) browserTasks.push(id);
          for (const engine of ['firefox', 'webkit'] as const) if (engines.has(engine)) otherEngineTasks.set(engine, [...(otherEngineTasks.get(engine) ?? []), id]);
        }
      }
    }
  }
  if (milestonesToPlan(roadmap, milestones).length > 0) {
    const planner = registry.agents.get('product-planner');
    if (planner !== undefined) need(planner.provider, PLANNER_NEED);
  }
  return { providers, browserTasks, otherEngineTasks };
}
