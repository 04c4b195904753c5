// A person gives an open defect to another agent (and model): from the dashboard, the editor or
// the API. Checked here against the run's log and the agent registry, then handed to the run's
// own process as a file (it is the log's only writer); it takes effect on the task's next attempt.

import type { DefectOwner } from '../../protocol/events-defects';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import { foldEvents } from '../../protocol/fold';
import { liveHolder } from '../engine/run-lock';
import { InputError } from '../errors';
import { readEventLog } from '../events/read-event-log';
import { readAgents } from '../views/read-agents';
import type { WorkspacePaths } from '../workspace/workspace-paths';
import { dropReassignment } from './reassign-drop';

export interface ReassignWorkspace {
  readonly paths: WorkspacePaths;
  /** Orch's built-in `agents/` folder. */
  readonly builtinAgentsDir: string;
  readonly homeDir: string;
}

export interface ReassignTarget {
  readonly agent: string;
  readonly model?: string;
}

export interface ReassignOutcome {
  readonly runId: string;
  readonly defectId: string;
  readonly taskId: string;
  readonly agent: string;
  readonly model?: string;
  /** The pid of the Orch running the run, which records it before the task's next attempt; absent: `orch resume` will. */
  readonly pid?: number;
}

/** Why the defect cannot go to `to`, as an error naming the defect, the agent and what would do. Pure. */
export function reassignmentProblem(run: RunSnapshot, defectId: string, to: ReassignTarget, agentNames: readonly string[]): { message: string; hint: string } | undefined {
  const defect = run.defects?.[defectId];
  if (defect === undefined) {
    const ids = Object.keys(run.defects ?? {});
    return { message: `run ${run.runId} has no defect ${defectId}`, hint: ids.length === 0 ? 'the run has no defects' : `its defects: ${ids.join(', ')}` };
  }
  if (defect.state !== 'open' && defect.state !== 'fixing') {
    return { message: `defect ${defectId} of ${defect.taskId} is ${defect.state}, not open`, hint: 'only an open defect (open or fixing) can be reassigned' };
  }
  if (!agentNames.includes(to.agent)) {
    return { message: `no agent named ${JSON.stringify(to.agent)} in the registry`, hint: `valid agents: ${agentNames.join(', ')}` };
  }
  if (to.model?.trim() === '') return { message: 'the model is empty', hint: 'leave it out to keep the model the task is routed to' };
  return undefined;
}

export async function reassignDefect(workspace: ReassignWorkspace, runId: string, defectId: string, to: ReassignTarget, by: string): Promise<ReassignOutcome> {
  const { paths } = workspace;
  const file = paths.eventsFile(runId);
  const run = foldEvents((await readEventLog(file)).events);
  if (run === undefined) throw new InputError(`no run ${runId} in this workspace`, { file });
  const { agents } = await readAgents({ workspace: paths.root, builtinAgentsDir: workspace.builtinAgentsDir, homeDir: workspace.homeDir });
  const problem = reassignmentProblem(run, defectId, to, agents.map((a) => a.name));
  if (problem !== undefined) throw new InputError(problem.message, { file }, problem.hint);
  await dropReassignment(paths.runDir(runId), { defectId, agent: to.agent, by, ...(to.model === undefined ? {} : { model: to.model }) });
  const holder = await liveHolder(paths.lockFile, runId);
  return { runId, defectId, taskId: run.defects![defectId]!.taskId, agent: to.agent, ...(to.model === undefined ? {} : { model: to.model }), ...(holder === undefined ? {} : { pid: holder.pid }) };
}

/** The owner a reassignment gives: without a model, the one the task is routed to now. Pure. */
export function reassignedOwner(run: RunSnapshot, taskId: string, current: DefectOwner, to: ReassignTarget): DefectOwner {
  const task = run.tasks[taskId];
  return { agent: to.agent, model: to.model ?? task?.routing?.model ?? task?.model ?? current.model };
}
