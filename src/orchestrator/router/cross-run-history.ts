// Learning across runs: each finished task's routing outcome goes to .orch/orch.json as it
// finishes, and the next run's router starts from them. The run's own event log stays the
// source of truth for the run; orch.json only carries the lesson to the next one.

import type { RunSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import { OrchStore, type RoutingRecord } from '../store/orch-store';
import type { ModelCatalog } from './model-catalog';
import type { RoutedOutcome } from './routing-history';
import { taskOutcomeRecords } from '../learning/outcomes-of';

const FINISHED = new Set(['verified', 'blocked', 'failed']);

export class CrossRunHistory {
  private constructor(
    private readonly store: OrchStore,
    private readonly runId: string,
    private readonly catalog: ModelCatalog,
    /** Earlier runs' outcomes, read once at the start: this run's own come from its state. */
    readonly earlier: readonly RoutedOutcome[],
  ) {}

  static async open(storeFile: string, runId: string, catalog: ModelCatalog): Promise<CrossRunHistory> {
    const store = await OrchStore.open(storeFile);
    const earlier = store.routing
      .filter((r) => r.runId !== runId)
      .map((r): RoutedOutcome => ({ model: catalog.get(r.model)?.name ?? r.model, complexity: r.complexity, firstPass: r.firstPass, earlier: true }));
    return new CrossRunHistory(store, runId, catalog, earlier);
  }

  /** Records the task's outcome, and its attempts' for the learning store, once it is final; a task still in play records nothing. */
  async record(state: RunSnapshot, taskId: string): Promise<void> {
    await this.store.recordTaskEnd(routingRecordOf(state, this.runId, taskId, this.catalog), taskOutcomeRecords(state, this.runId, taskId, this.catalog));
  }
}

/**
 * The outcomes a run's log holds, as its tasks recorded them when they finished: a run that
 * starts or resumes writes them again, so one killed between its log and orch.json loses none.
 */
export function routingRecordsOf(state: RunSnapshot, runId: string, catalog: ModelCatalog): RoutingRecord[] {
  return Object.keys(state.tasks).flatMap((taskId) => routingRecordOf(state, runId, taskId, catalog) ?? []);
}

function routingRecordOf(state: RunSnapshot, runId: string, taskId: string, catalog: ModelCatalog): RoutingRecord | undefined {
  const task = state.tasks[taskId];
  if (task === undefined) return undefined;
  // An attempt that crashed (Orch killed under it, or the CLI died) says nothing about the model:
  // it would otherwise turn a resumed task's clean first answer into a failed first pass.
  const judged = task.attempts.flatMap((id) => state.attempts[id] ?? []).filter((a) => a.failure !== 'crashed');
  // First pass is the first attempt's model's result: a rework may have gone a tier up.
  const first = judged[0]?.model;
  return first === undefined ? undefined : toRecord(task, first, judged.length, runId, catalog, state.updatedAt);
}

function toRecord(task: TaskSnapshot, model: string, attempts: number, runId: string, catalog: ModelCatalog, at: string): RoutingRecord | undefined {
  if (task.routing === undefined || attempts === 0 || !FINISHED.has(task.state)) return undefined;
  // Only checked work says how good a model is: a task stopped by credentials or a crash
  // before any check ran teaches nothing about the model.
  if (task.state !== 'verified' && task.defects === 0) return undefined;
  return {
    runId,
    taskId: task.id,
    model: catalog.get(model)?.name ?? model,
    agent: task.agent ?? 'unknown',
    complexity: task.routing.complexity,
    firstPass: task.state === 'verified' && attempts === 1 && task.defects === 0,
    costUsd: task.costUsd,
    at,
  };
}
