import { splitTaskId } from '../../protocol/ids';
import type { RunSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import { InputError } from '../errors';

/** What a retry may requeue: a task that stopped without its work verified. */
export const RETRYABLE_STATES: readonly TaskSnapshot['state'][] = ['failed', 'blocked', 'cancelled'];

/**
 * The run's tasks named by `resume --task`: a qualified id (`PRD-1/T2`) or a short one (`T2`)
 * when only one PRD has it. Every id must name a task that can be retried; all mistakes are
 * reported at once, before the run is touched.
 */
export function selectRetryTasks(run: RunSnapshot, ids: readonly string[], where: string): string[] {
  const problems: string[] = [];
  const selected: string[] = [];
  for (const id of ids) {
    const matches = id.includes('/') ? (run.tasks[id] === undefined ? [] : [id]) : run.taskOrder.filter((q) => splitTaskId(q).taskId === id);
    if (matches.length === 0) {
      problems.push(`no task ${JSON.stringify(id)} in run ${run.runId}`);
      continue;
    }
    if (matches.length > 1) {
      problems.push(`task ${JSON.stringify(id)} is ambiguous: ${matches.join(', ')}; name it with its PRD`);
      continue;
    }
    const task = run.tasks[matches[0]!]!;
    if (!RETRYABLE_STATES.includes(task.state)) problems.push(`task ${task.id} is ${task.state}; only ${RETRYABLE_STATES.join(', ')} tasks can be retried`);
    else if (!selected.includes(task.id)) selected.push(task.id);
  }
  if (problems.length > 0) {
    const retryable = run.taskOrder.filter((q) => RETRYABLE_STATES.includes(run.tasks[q]!.state));
    throw new InputError(problems.join('; '), { file: where }, retryable.length === 0 ? `run ${run.runId} has no task to retry` : `tasks that can be retried: ${retryable.join(', ')}`);
  }
  return selected;
}

/** `PRD-1/T2`, or `T2` when only one PRD of the run has it; anything else is an input error at `where`. */
export function resolveTaskRef(run: RunSnapshot, ref: string, where: string): string {
  const matches = ref.includes('/') ? (run.tasks[ref] === undefined ? [] : [ref]) : run.taskOrder.filter((q) => splitTaskId(q).taskId === ref);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new InputError(`task ${JSON.stringify(ref)} is ambiguous in run ${run.runId}: ${matches.join(', ')}`, { file: where }, 'name it with its PRD');
  throw new InputError(`no task ${JSON.stringify(ref)} in run ${run.runId}`, { file: where }, `its tasks: ${run.taskOrder.join(', ') || 'none'}`);
}
