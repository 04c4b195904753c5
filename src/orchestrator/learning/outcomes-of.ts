// A run's finished attempts as learning-store records, read off its folded state: pure, so a run
// that resumes after a kill -9 writes exactly what the killed one would have.

import { attemptModel } from '../../protocol/model-of-record';
import type { RunSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import type { OutcomeRecord } from '../store/outcome-record';
import type { ModelCatalog } from '../router/model-catalog';
import { taskFingerprint } from './task-features';

const FINAL = new Set<string>(['verified', 'blocked', 'failed']);

/** Every task's outcomes, for the tasks that have ended. */
export function outcomeRecordsOf(state: RunSnapshot, runId: string, catalog: ModelCatalog): OutcomeRecord[] {
  return Object.keys(state.tasks).flatMap((taskId) => taskOutcomeRecords(state, runId, taskId, catalog));
}

/** One task's finished attempts, once the task has ended (verified, blocked or failed); none before. */
export function taskOutcomeRecords(state: RunSnapshot, runId: string, taskId: string, catalog: ModelCatalog): OutcomeRecord[] {
  const task = state.tasks[taskId];
  if (task === undefined || !FINAL.has(task.state)) return [];
  const attempts = task.attempts.flatMap((id) => state.attempts[id] ?? []).filter((a) => a.state !== 'running' && a.finishedAt !== undefined);
  const firstPass = task.state === 'verified' && task.defects === 0 && attempts.filter((a) => a.failure !== 'crashed').length === 1;
  return attempts.map((a, i) => ({
    runId,
    attemptId: a.id,
    taskId,
    prdId: task.prdId,
    milestoneId: task.milestoneId,
    title: task.title,
    fingerprint: taskFingerprint(taskId, task.title),
    phase: task.phase ?? 'implementation',
    agent: a.agent,
    model: canonical(attemptModel(a), catalog),
    complexity: complexityOf(task),
    ...(a.promptTokens === undefined ? {} : { promptTokens: a.promptTokens }),
    attempt: i + 1,
    durationMs: Math.max(0, Date.parse(a.finishedAt!) - Date.parse(a.startedAt)),
    costUsd: a.costUsd,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    succeeded: a.state === 'succeeded',
    ...(a.failure === undefined ? {} : { failure: a.failure }),
    firstPass,
    defects: task.defects,
    taskState: task.state as OutcomeRecord['taskState'],
    at: a.finishedAt!,
  }));
}

function canonical(model: string, catalog: ModelCatalog): string {
  return catalog.get(model)?.name ?? model;
}

// A task that never reached the router (pinned by a fallback path, or an older log) counts as middling.
function complexityOf(task: TaskSnapshot): number {
  return task.routing?.complexity ?? 0.3;
}
