// The forecast as a live run stands: the remaining DAG from now, each unfinished task predicted
// from the learning store plus what this run has finished so far, less the time and money its
// attempts already spent. Pure: the engine's hook (forecast-hook.ts) appends it as an event.

import type { Interval, LiveForecast } from '../../protocol/forecast';
import type { RunSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import type { ModelCatalog } from '../router/model-catalog';
import type { OutcomeRecord } from '../store/outcome-record';
import { roundMs, roundRisk, roundUsd, simTask, type PlannedTask } from './estimate-plan';
import { outcomeRecordsOf } from './outcomes-of';
import { predictTask, taskSamples, type TaskPrediction } from './predict-task';
import { rollUp } from './simulate-dag';

/** Tasks at least this likely to fail their first pass or end blocked are listed as at risk. */
const AT_RISK = 0.4;
const AT_RISK_LISTED = 10;
const ENDED = new Set<string>(['verified', 'blocked', 'failed', 'cancelled']);

export function liveForecast(planned: readonly PlannedTask[], state: RunSnapshot, stored: readonly OutcomeRecord[], catalog: ModelCatalog, parallel: number, now: Date): LiveForecast {
  const own = outcomeRecordsOf(state, state.runId, catalog);
  const ownKeys = new Set(own.map((o) => `${o.runId} ${o.attemptId}`));
  const samples = taskSamples([...stored.filter((o) => !ownKeys.has(`${o.runId} ${o.attemptId}`)), ...own]);
  const left = planned.flatMap((t) => {
    const task = state.tasks[t.features.taskId];
    return task === undefined || ENDED.has(task.state) ? [] : [{ t, task }];
  });
  const predicted = left.map(({ t, task }) => {
    const p = predictTask(samples, t.features, t.model ?? task.routing?.model);
    return { t, task, p, risk: task.defects > 0 ? 1 : p.risk };
  });
  const sims = predicted.map(({ t, task, p }) => {
    const spent = spentMs(state, task, now);
    return { ...simTask(t, p, spent > 0 ? spent : undefined), costUsd: less(p.costUsd, task.costUsd), risk: task.defects > 0 ? 1 : p.risk };
  });
  const { wallMs, costUsd } = rollUp(sims, parallel);
  const atRisk = predicted
    .filter((x) => x.risk >= AT_RISK)
    .sort((a, b) => b.risk - a.risk || a.t.features.taskId.localeCompare(b.t.features.taskId))
    .slice(0, AT_RISK_LISTED)
    .map(({ t, task, p, risk }) => ({ taskId: t.features.taskId, risk: roundRisk(risk), why: why(task, p) }));
  return {
    at: now.toISOString(),
    basis: predicted.length > 0 && predicted.every((x) => x.p.basis === 'defaults') ? 'defaults' : 'history',
    etaMs: roundMs(wallMs),
    costToCompleteUsd: roundUsd(costUsd),
    tasksLeft: left.length,
    atRisk,
  };
}

/** Time its attempts have taken so far, the running one up to now. */
function spentMs(state: RunSnapshot, task: TaskSnapshot, now: Date): number {
  return task.attempts.reduce((sum, id) => {
    const a = state.attempts[id];
    if (a === undefined || a.failure === 'crashed') return sum;
    const end = a.finishedAt === undefined ? now.getTime() : Date.parse(a.finishedAt);
    return sum + Math.max(0, end - Date.parse(a.startedAt));
  }, 0);
}

/** What is left to spend: the prediction less what was spent, and never less than a tenth of it (work left costs something). */
function less(i: Interval, spent: number): Interval {
  const floor = i.p50 * 0.1;
  return { p50: Math.max(floor, i.p50 - spent), lo: Math.max(Math.min(floor, i.lo), i.lo - spent), hi: Math.max(floor, i.hi - spent) };
}

function why(task: TaskSnapshot, p: TaskPrediction): string {
  const defects = task.defects > 0 ? `${task.defects} defect${task.defects === 1 ? '' : 's'} so far; ` : '';
  return `${defects}${p.riskWhy}`;
}
