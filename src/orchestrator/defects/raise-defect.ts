// Every verdict that sends work back is a defect: the task's `defect.raised` (its state, the
// rework brief) and the defect's record, triaged and owned. The same category found again on
// the same task is the same defect whose fix did not hold, not a new one.

import type { CheckResult } from '../../protocol/events';
import type { DefectRecord, DefectSource, ReviewFinding } from '../../protocol/events-defects';
import type { EngineContext } from '../engine/engine-context';
import type { AgentDefinition } from '../agents/agent-types';
import { escalationAgent } from './escalation';
import { triage } from './triage';

export interface RaisedDefect {
  readonly taskId: string;
  readonly attemptId: string;
  readonly source: DefectSource;
  readonly reason: string;
  readonly checks: readonly CheckResult[];
  readonly findings?: readonly ReviewFinding[];
}

export async function raiseDefect(ctx: EngineContext, raised: RaisedDefect): Promise<void> {
  const { taskId, attemptId, reason, checks } = raised;
  await ctx.log.append({ type: 'defect.raised', taskId, attemptId, reason, checks });
  const { severity, category, summary } = triage(raised);
  const defects = Object.values(ctx.state().defects ?? {});
  const same = defects.find((d) => d.taskId === taskId && d.source === raised.source && d.category === category && (d.state === 'open' || d.state === 'fixing'));
  if (same !== undefined) {
    await ctx.log.append({ type: 'defect.recurred', defectId: same.id, attemptId, summary });
    return;
  }
  const attempt = ctx.state().attempts[attemptId];
  // The model asked for, as the router names it: the one an escalation compares with.
  const owner = { agent: attempt?.agent ?? ctx.assignments.get(taskId)?.agent.name ?? 'unknown', model: attempt?.model ?? 'unknown' };
  await ctx.log.append({
    type: 'defect.opened',
    defectId: `D${defects.length + 1}`,
    taskId,
    attemptId,
    source: raised.source,
    severity,
    category,
    owner,
    summary,
    ...(raised.findings === undefined ? {} : { findings: raised.findings }),
  });
}

/**
 * The rework of the task's open defects goes to whatever the router chose for it: when that is a
 * stronger model than the owner's, the defects are escalated to it, saying after how many
 * failures. A fix that failed again with no stronger model to go to (a pinned model, the top
 * tier) goes to another agent of the task's phase, which starts afresh on the next attempt.
 */
export async function followRework(ctx: EngineContext, taskId: string): Promise<void> {
  const model = ctx.state().tasks[taskId]?.routing?.model ?? ctx.state().tasks[taskId]?.model;
  if (model === undefined) return;
  for (const d of Object.values(ctx.state().defects ?? {})) {
    // A person's choice of owner stands: Orch does not escalate over it.
    if (d.taskId !== taskId || (d.state !== 'open' && d.state !== 'fixing') || d.reassigned !== undefined) continue;
    const failures = d.recurrences + 1;
    const after = `${failures} failed verification${failures === 1 ? '' : 's'} on ${d.owner.agent} (${d.owner.model})`;
    if (d.owner.model !== model) {
      await ctx.log.append({ type: 'defect.escalated', defectId: d.id, from: d.owner, to: { agent: d.owner.agent, model }, reason: `${after}: the rework goes to ${model}` });
      continue;
    }
    const phase = ctx.assignments.get(taskId)?.phase;
    if (d.recurrences === 0 || phase === undefined || ctx.registry === undefined) continue;
    const other = escalationAgent(ctx.registry.agents, d.owner.agent, phase, ctx.config.review.agent ?? 'reviewer');
    if (other === undefined) continue;
    await ctx.log.append({ type: 'defect.escalated', defectId: d.id, from: d.owner, to: { agent: other.name, model }, reason: `${after}, and no stronger model to go to: ${other.name} takes it over` });
  }
}

/**
 * The agent the task's rework goes to: the one a person last reassigned an open defect to, else
 * the one an escalation moved its defects to, else the assigned one.
 */
export function reworkAgent(ctx: EngineContext, taskId: string, assigned: AgentDefinition): AgentDefinition {
  const active = activeDefects(ctx, taskId);
  const chosen = latestReassigned(active)?.owner.agent ?? active.map((d) => d.owner.agent).find((name) => name !== assigned.name);
  return (chosen === undefined ? undefined : ctx.registry?.agents.get(chosen)) ?? assigned;
}

/** The model the rework runs on: the one a person last reassigned an open defect to, else the router's. */
export function reworkModel(ctx: EngineContext, taskId: string, routed: string): string {
  return latestReassigned(activeDefects(ctx, taskId))?.owner.model ?? routed;
}

function activeDefects(ctx: EngineContext, taskId: string): DefectRecord[] {
  return Object.values(ctx.state().defects ?? {}).filter((d) => d.taskId === taskId && (d.state === 'open' || d.state === 'fixing'));
}

function latestReassigned(defects: readonly DefectRecord[]): DefectRecord | undefined {
  return defects.filter((d) => d.reassigned !== undefined).sort((a, b) => (a.reassigned!.at < b.reassigned!.at ? 1 : -1))[0];
}
