// Who takes a defect over when its owner's fixes keep failing and no stronger model is left to
// try: another Claude agent of the task's phase, the leadership team's first. Pure.

import type { AgentDefinition } from '../agents/agent-types';

export function escalationAgent(agents: ReadonlyMap<string, AgentDefinition>, owner: string, phase: string, reviewer?: string): AgentDefinition | undefined {
  const candidates = [...agents.values()].filter((a) => a.provider === 'claude' && a.name !== owner && a.name !== reviewer && a.phases.includes(phase));
  return candidates.find((a) => a.team === 'leadership') ?? candidates[0];
}
