// Which tasks a reviewer cross-checks, and who reviews them. Pure: the run's config, the
// roadmap and the registry decide, so a resumed run decides the same.

import type { Roadmap, Task } from '../../protocol/domain';
import type { AgentDefinition } from '../agents/agent-types';

export interface ReviewSettings {
  readonly phases?: readonly string[];
  readonly agent?: string;
  readonly model?: string;
}

/**
 * The roadmap asks for leadership review where a phase's title, or one of its milestones' title,
 * focus, features or success metrics, names a leadership or leader review, a code review, or
 * cross-verification of claims ("the leader verifies every claim").
 */
const ASKS_FOR_REVIEW = /\bleader(?:ship)?[\s-]+(?:review|cross[\s-]?verif\w*|verif\w*)|\bcode[\s-]+reviews?\b|\bcross[\s-]?verif\w*|\bleader\b[^.\n]{0,40}\bverif\w*/i;

/**
 * `review: true|false` on the task decides; else the config's `review.phases` (roadmap phase ids
 * or workflow phases); else the roadmap itself, phase by phase.
 */
export function reviewWanted(task: Task, workflowPhase: string, roadmap: Roadmap, milestoneId: string, settings: ReviewSettings): boolean {
  if (task.review !== undefined) return task.review;
  const phase = roadmap.phases.find((p) => p.milestones.some((m) => m.id === milestoneId));
  if (settings.phases !== undefined) return settings.phases.includes(workflowPhase) || (phase !== undefined && settings.phases.includes(phase.id));
  if (phase === undefined) return false;
  const texts = [phase.title, ...phase.milestones.flatMap((m) => [m.title, m.focus ?? '', ...m.features, ...m.successMetrics])];
  return texts.some((t) => ASKS_FOR_REVIEW.test(t));
}

export type ReviewerChoice = { readonly agent: AgentDefinition } | { readonly problem: string };

/**
 * The reviewer is never the author. The config's `review.agent` when it names another agent;
 * else `reviewer`; else the first leadership-review agent that is not the author. Only Claude
 * agents: the verdict comes through Orch's MCP tool.
 */
export function pickReviewer(author: string, agents: ReadonlyMap<string, AgentDefinition>, settings: ReviewSettings): ReviewerChoice {
  const usable = (a: AgentDefinition | undefined): a is AgentDefinition => a !== undefined && a.name !== author && a.provider === 'claude';
  if (settings.agent !== undefined) {
    const chosen = agents.get(settings.agent);
    if (chosen === undefined) return { problem: `review.agent '${settings.agent}' is not a registered agent` };
    if (chosen.name === author) return { problem: `review.agent '${settings.agent}' wrote the work itself; a reviewer must be another agent` };
    if (chosen.provider !== 'claude') return { problem: `review.agent '${settings.agent}' is an ${chosen.provider} agent; reviewers answer through Orch's MCP tool, so they run on Claude` };
    return { agent: chosen };
  }
  const fallback = agents.get('reviewer');
  if (usable(fallback)) return { agent: fallback };
  const leader = [...agents.values()].find((a) => usable(a) && a.phases.includes('leadership-review'));
  return leader === undefined ? { problem: `no agent other than the author (${author}) can review: add a 'reviewer' agent` } : { agent: leader };
}
