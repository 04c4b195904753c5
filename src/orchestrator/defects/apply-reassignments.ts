// The running Orch records the reassignments a person asked for (reassign-drop.ts) before a task's
// next attempt, so the rework that follows already goes to the new owner. A request that no
// longer applies (the defect was closed meanwhile, the agent left the registry) is a warning.

import type { EngineContext } from '../engine/engine-context';
import { reassignedOwner, reassignmentProblem } from './reassign-defect';
import { claimReassignments, removeClaimed } from './reassign-drop';

export async function applyReassignments(ctx: EngineContext): Promise<void> {
  for (const claimed of await claimReassignments(ctx.paths.runDir(ctx.runId))) {
    const { request } = claimed;
    if (request === undefined) {
      await ctx.log.append({ type: 'warning.raised', message: `a reassignment request was unreadable and was removed (${claimed.bad ?? 'unknown'})` });
    } else {
      const state = ctx.state();
      const names = ctx.registry === undefined ? [request.agent] : [...ctx.registry.agents.keys()];
      const problem = reassignmentProblem(state, request.defectId, request, names);
      const defect = state.defects?.[request.defectId];
      if (problem !== undefined || defect === undefined) {
        await ctx.log.append({ type: 'warning.raised', message: `reassignment of ${request.defectId} to ${request.agent} by ${request.by} was not applied: ${problem?.message ?? 'no such defect'}` });
      } else {
        await ctx.log.append({ type: 'defect.reassigned', defectId: defect.id, to: reassignedOwner(state, defect.taskId, defect.owner, request), by: request.by });
      }
    }
    await removeClaimed(claimed.file);
  }
}
