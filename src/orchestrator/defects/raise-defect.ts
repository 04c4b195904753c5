// Every verdict that sends work back is a defect: the task's `defect.raised` (its state, the
// rework brief) and the defect's record, triaged and owned. The same category found again on
// the same task is the same defect whose fix did not hold, not a new one.

import type { CheckResult } from '../../protocol/events';
import type { DefectSource, ReviewFinding } from '../../protocol/events-defects';
import type { EngineContext } from '../engine/engine-context';
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
  const owner = { agent: attempt?.agent ?? ctx.assignments.get(taskId)?.agent.name ?? 'unknown', model: attempt?.modelUsed ?? attempt?.model ?? 'unknown' };
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
 * stronger model than the owner's, the defects are escalated to it, saying after how many failures.
 */
export async function followRework(ctx: EngineContext, taskId: string): Promise<void> {
  const model = ctx.state().tasks[taskId]?.routing?.model;
  if (model === undefined) return;
  for (const d of Object.values(ctx.state().defects ?? {})) {
    if (d.taskId !== taskId || (d.state !== 'open' && d.state !== 'fixing') || d.owner.model === model) continue;
    const failures = d.recurrences + 1;
    await ctx.log.append({
      type: 'defect.escalated',
      defectId: d.id,
      from: d.owner,
      to: { agent: d.owner.agent, model },
      reason: `${failures} failed verification${failures === 1 ? '' : 's'} on ${d.owner.model}: the rework goes to ${model}`,
    });
  }
}
