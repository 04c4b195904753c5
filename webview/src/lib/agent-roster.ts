import type { AgentSummary } from '../../../src/protocol/dashboard-messages';
import type { RunSnapshot } from '../../../src/protocol/run-snapshot';
import { agentsNow, type AgentNow } from './cost-queries';

export interface RosterEntry extends AgentNow {
  /** The registry's definition; undefined for an agent the run used that the registry lacks. */
  readonly definition: AgentSummary | undefined;
}

/**
 * Every agent the registry defines and every agent the run used, merged by name: the busy ones
 * first, then those that worked in this run, then the rest of the registry by name.
 */
export function agentRoster(run: RunSnapshot, registry: readonly AgentSummary[]): readonly RosterEntry[] {
  const byName = new Map(registry.map((a) => [a.name, a]));
  const seen = agentsNow(run);
  const inRun = new Set(seen.map((a) => a.agent));
  const rest = registry
    .filter((a) => !inRun.has(a.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((a): RosterEntry => ({ agent: a.name, running: [], finished: 0, costUsd: 0, definition: a }));
  return [...seen.map((a) => ({ ...a, definition: byName.get(a.agent) })), ...rest];
}
