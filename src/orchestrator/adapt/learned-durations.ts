// The duration estimator ordering uses: the learning store's prediction for each task, when it
// rests on history (the same task in earlier runs, or tasks like it). The stated defaults are
// not knowledge, so they predict nothing here and the plain order stands for such tasks.

import type { Prd, Task } from '../../protocol/domain';
import type { Assignment } from '../engine/assign-agents';
import { predictTask, taskSamples } from '../learning/predict-task';
import { plannedTaskFeatures } from '../learning/task-features';
import type { ModelCatalog } from '../router/model-catalog';
import type { OutcomeRecord } from '../store/outcome-record';
import type { DurationEstimator } from './order-ready';

export function learnedDurations(
  outcomes: readonly OutcomeRecord[],
  tasks: ReadonlyMap<string, { readonly task: Task; readonly prd: Prd }>,
  assignments: ReadonlyMap<string, Assignment>,
  catalog: ModelCatalog,
): DurationEstimator | undefined {
  if (outcomes.length === 0) return undefined;
  const samples = taskSamples(outcomes);
  // Asked every dispatch round for every task: the store does not change during the run.
  const memo = new Map<string, number | undefined>();
  return (taskId) => {
    if (memo.has(taskId)) return memo.get(taskId);
    const entry = tasks.get(taskId);
    const assignment = assignments.get(taskId);
    const prediction = entry === undefined ? undefined : predictTask(samples, plannedTaskFeatures(entry.prd.id, entry.task, assignment, catalog), assignment?.model);
    const ms = prediction?.basis === 'history' ? prediction.durationMs.p50 : undefined;
    memo.set(taskId, ms);
    return ms;
  };
}
