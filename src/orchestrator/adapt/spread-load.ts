// Spreading load across a team: when a task's agent is saturated (its maxParallel attempts are
// running, or it has spent nearly all its budget), a teammate that works in the task's phase,
// on the same provider, and is not saturated itself takes the task. Only a task whose PRD did
// not name its agent, and that has not started: a named agent is the author's choice, and a
// rework stays with the agent whose session it continues.

import type { AdaptationBody } from '../../protocol/events-adapt';
import { formatMoney } from '../../protocol/format-money';
import type { AgentDefinition, RegistrySnapshot } from '../agents/agent-types';

export interface AgentLoad {
  /** Attempts of this agent running now. */
  readonly busy: number;
  /** What its attempts have cost in this run. */
  readonly spentUsd: number;
}

export interface SpreadCandidate {
  readonly taskId: string;
  readonly phase: string;
  readonly assigned: AgentDefinition;
  /** The PRD named the agent, or the task already ran: it stays where it is. */
  readonly fixed: boolean;
}

/** Why the agent cannot take more work now, or undefined when it can. */
function saturation(agent: AgentDefinition, load: AgentLoad, budgetShare: number): string | undefined {
  if (agent.maxParallel !== undefined && load.busy >= agent.maxParallel) return `${agent.name} runs ${load.busy} of its maxParallel ${agent.maxParallel}`;
  if (agent.budgetUsd !== undefined && load.spentUsd >= agent.budgetUsd * budgetShare) {
    return `${agent.name} has spent $${load.spentUsd.toFixed(4)} of its ${formatMoney(agent.budgetUsd)} budget (${Math.round((load.spentUsd / agent.budgetUsd) * 100)}%, the threshold is ${Math.round(budgetShare * 100)}%)`;
  }
  return undefined;
}

export function spreadLoad(candidate: SpreadCandidate, registry: RegistrySnapshot, load: (agent: string) => AgentLoad, budgetShare: number): { readonly agent: AgentDefinition; readonly adaptation: AdaptationBody } | undefined {
  const { assigned } = candidate;
  if (candidate.fixed || assigned.team === undefined) return undefined;
  const why = saturation(assigned, load(assigned.name), budgetShare);
  if (why === undefined) return undefined;
  const members = registry.teams.get(assigned.team) ?? [...registry.agents.values()].filter((a) => a.team === assigned.team).map((a) => a.name);
  const able = members
    .map((name) => registry.agents.get(name))
    .filter((a): a is AgentDefinition => a !== undefined && a.name !== assigned.name && a.provider === assigned.provider && a.phases.includes(candidate.phase))
    .filter((a) => saturation(a, load(a.name), budgetShare) === undefined);
  const chosen = able.sort((a, b) => load(a.name).busy - load(b.name).busy)[0];
  if (chosen === undefined) return undefined;
  return {
    agent: chosen,
    adaptation: {
      kind: 'load-spread',
      taskId: candidate.taskId,
      from: assigned.name,
      to: chosen.name,
      reason: `${why}: ${chosen.name}, of the same team (${assigned.team}) and working in phase ${candidate.phase}, takes it (${load(chosen.name).busy} running)`,
    },
  };
}
