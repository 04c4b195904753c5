// One task's predicted duration, cost and risk from the learning store: the empirical spread of
// the same task in earlier runs, else of the tasks most like it, else stated defaults. Pure.

import type { Interval } from '../../protocol/forecast';
import { compareIsoTimes } from '../../protocol/iso-time';
import type { OutcomeRecord } from '../store/outcome-record';
import { titleWords, type TaskFeatures } from './task-features';

/** A finished task of an earlier run: its attempts added up. */
export interface TaskSample extends TaskFeatures {
  readonly runId: string;
  /** The model of its first attempt, whose first pass the risk is about. */
  readonly model: string;
  readonly durationMs: number;
  readonly costUsd: number;
  /** Failed its first pass or ended blocked: what risk predicts. */
  readonly troubled: boolean;
  readonly defects: number;
  readonly at: string;
}

export interface TaskPrediction {
  readonly durationMs: Interval;
  readonly costUsd: Interval;
  readonly risk: number;
  readonly basis: 'history' | 'defaults';
  readonly samples: number;
  /** Said with the risk: what it rests on, e.g. "first pass 3 of 5 on similar tasks". */
  readonly riskWhy: string;
}

/**
 * The stated defaults with no history: 2 minutes and $0.10 for a task of complexity 0, growing
 * to three times that at complexity 1; 80% interval from 0.3 to 3 times the median; risk 0.25.
 */
export const DEFAULTS = { durationMs: 120_000, costUsd: 0.1, spreadLo: 0.3, spreadHi: 3, risk: 0.25 } as const;
export const DEFAULTS_NOTE = 'no history: defaults of 2 min and $0.10 per task, times (1 + 2 × complexity), 80% interval 0.3× to 3×, risk 0.25';

// Outcomes of the same task in the last runs are the best guide; older ones may predate a change.
const SAME_TASK_KEPT = 10;
const NEIGHBOURS = 8;
// Tasks farther than this are not "like" the task: defaults say more honestly that we do not know.
const MAX_DISTANCE = 2.5;
// The risk's prior weight, in samples: a single clean run does not make a task safe.
const RISK_PRIOR_WEIGHT = 2;

/** The learning store's attempts, added up per task and run; crashed attempts' time is not the task's. */
export function taskSamples(outcomes: readonly OutcomeRecord[]): TaskSample[] {
  const byTask = new Map<string, OutcomeRecord[]>();
  for (const o of outcomes) {
    const key = `${o.runId} ${o.taskId}`;
    byTask.set(key, [...(byTask.get(key) ?? []), o]);
  }
  return [...byTask.values()].map((records) => {
    const sorted = [...records].sort((a, b) => a.attempt - b.attempt);
    const first = sorted[0]!;
    const last = sorted.at(-1)!;
    return {
      runId: first.runId,
      taskId: first.taskId,
      fingerprint: first.fingerprint,
      title: first.title,
      phase: first.phase,
      agent: first.agent,
      complexity: first.complexity,
      model: (sorted.find((r) => r.failure !== 'crashed') ?? first).model,
      durationMs: sorted.filter((r) => r.failure !== 'crashed').reduce((s, r) => s + r.durationMs, 0),
      costUsd: sorted.reduce((s, r) => s + r.costUsd, 0),
      troubled: !last.firstPass,
      defects: last.defects,
      at: last.at,
    };
  });
}

// A live forecast compares every task left with every sample: each title is split into words once.
const WORDS_KEPT = 10_000;
const wordSets = new Map<string, ReadonlySet<string>>();

function wordSet(title: string): ReadonlySet<string> {
  let words = wordSets.get(title);
  if (words === undefined) {
    if (wordSets.size >= WORDS_KEPT) wordSets.clear();
    words = new Set(titleWords(title));
    wordSets.set(title, words);
  }
  return words;
}

/** How unlike a task an earlier one is: 0 for the same task on the same model, 1 and up for others. */
function distance(f: TaskFeatures, s: TaskSample, model: string | undefined): number {
  const otherModel = model !== undefined && s.model !== model ? 0.5 : 0;
  if (s.fingerprint === f.fingerprint) return otherModel;
  const a = wordSet(f.title);
  const b = wordSet(s.title);
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  const union = a.size + b.size - shared;
  const titles = union === 0 ? 0 : 1 - shared / union;
  return 1 + 3 * Math.abs(f.complexity - s.complexity) + (s.phase === f.phase ? 0 : 0.5) + (s.agent === f.agent ? 0 : 0.5) + titles + otherModel;
}

/** The samples a prediction rests on: the same task's latest runs, else the nearest tasks like it. */
function similarSamples(samples: readonly TaskSample[], f: TaskFeatures, model?: string): TaskSample[] {
  const same = samples.filter((s) => s.fingerprint === f.fingerprint).sort((a, b) => compareIsoTimes(b.at, a.at));
  if (same.length > 0) {
    const onModel = model === undefined ? [] : same.filter((s) => s.model === model);
    return (onModel.length > 0 ? onModel : same).slice(0, SAME_TASK_KEPT);
  }
  return samples
    .map((s) => ({ s, d: distance(f, s, model) }))
    .filter((x) => x.d <= MAX_DISTANCE)
    .sort((a, b) => a.d - b.d || compareIsoTimes(b.s.at, a.s.at))
    .slice(0, NEIGHBOURS)
    .map((x) => x.s);
}

export function predictTask(samples: readonly TaskSample[], f: TaskFeatures, model?: string): TaskPrediction {
  const similar = similarSamples(samples, f, model);
  if (similar.length === 0) {
    const scale = 1 + 2 * f.complexity;
    return {
      durationMs: spread(DEFAULTS.durationMs * scale),
      costUsd: spread(DEFAULTS.costUsd * scale),
      risk: DEFAULTS.risk,
      basis: 'defaults',
      samples: 0,
      riskWhy: `no history: default risk ${DEFAULTS.risk}`,
    };
  }
  const same = similar[0]!.fingerprint === f.fingerprint;
  const troubled = similar.filter((s) => s.troubled).length;
  const risk = (troubled + DEFAULTS.risk * RISK_PRIOR_WEIGHT) / (similar.length + RISK_PRIOR_WEIGHT);
  const models = [...new Set(similar.map((s) => s.model))].join('/');
  return {
    durationMs: empirical(similar.map((s) => s.durationMs), same),
    costUsd: empirical(similar.map((s) => s.costUsd), same),
    risk,
    basis: 'history',
    samples: similar.length,
    riskWhy: `${models} first pass ${similar.length - troubled} of ${similar.length} on ${same ? 'this task in earlier runs' : 'similar tasks'}`,
  };
}

/** For the adaptation: a task's predicted duration on a model, from the learning store's outcomes. */
export function predictTaskDurationMs(outcomes: readonly OutcomeRecord[], features: TaskFeatures, model: string): Interval {
  return predictTask(taskSamples(outcomes), features, model).durationMs;
}

function spread(p50: number): Interval {
  return { p50, lo: p50 * DEFAULTS.spreadLo, hi: p50 * DEFAULTS.spreadHi };
}

/**
 * The 10th, 50th and 90th percentiles of the values, widened when they are few: n samples
 * cannot show the tails, so each side is at least p50 × w / √n (w is 0.5 for the same task,
 * 0.8 for tasks merely like it) and the observed spread grows by (1 + 1/n).
 */
function empirical(values: readonly number[], sameTask: boolean): Interval {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const p50 = quantile(sorted, 0.5);
  const least = (p50 * (sameTask ? 0.5 : 0.8)) / Math.sqrt(n);
  const grow = 1 + 1 / n;
  return {
    p50,
    lo: Math.max(0, p50 - Math.max((p50 - quantile(sorted, 0.1)) * grow, least)),
    hi: p50 + Math.max((quantile(sorted, 0.9) - p50) * grow, least),
  };
}

/** Linear interpolation between order statistics of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const at = (sorted.length - 1) * q;
  const i = Math.floor(at);
  const next = sorted[Math.min(i + 1, sorted.length - 1)]!;
  return sorted[i]! + (next - sorted[i]!) * (at - i);
}
