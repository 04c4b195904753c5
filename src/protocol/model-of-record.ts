// Which model did a task's work, which it asked for, and which it tried and left on the way.
// A pin or a routing decision is a request; fallbacks and the stream say what answered.

import type { AttemptSnapshot, RunSnapshot, TaskSnapshot } from './run-snapshot';

export interface ModelTried {
  readonly model: string;
  readonly attemptId: string;
  /** Why Orch left it: the fallback's reason, or how the attempt on it ended. */
  readonly reason: string;
}

export interface TaskModels {
  /** The model of record: the one whose attempt produced the task's latest (verified, when it is) work. */
  readonly model?: string;
  /** The pinned or routed model (the agent's own when routing is off). */
  readonly askedFor?: string;
  readonly tried: readonly ModelTried[];
}

/** The model an attempt's work came from: what the runner recorded, else the last model of its fallback chain. */
export function attemptModel(a: AttemptSnapshot): string {
  return a.modelOfRecord ?? a.fellBackTo ?? a.model;
}

export function taskModels(run: RunSnapshot, task: TaskSnapshot): TaskModels {
  const attempts = task.attempts.flatMap((id) => (run.attempts[id] === undefined ? [] : [run.attempts[id]]));
  const finished = attempts.filter((a) => a.state !== 'running');
  const record = [...finished].reverse().find((a) => a.state === 'succeeded') ?? attempts.at(-1);
  const askedFor = task.routing?.model ?? attempts[0]?.model ?? task.model;
  const model = record === undefined ? undefined : attemptModel(record);
  const tried: ModelTried[] = [];
  for (const a of attempts) {
    for (const step of a.fallbacks ?? []) tried.push({ model: step.from, attemptId: a.id, reason: step.reason });
    const used = attemptModel(a);
    const onChain = a.fellBackTo ?? a.model;
    if (used !== onChain) tried.push({ model: onChain, attemptId: a.id, reason: `asked for, but the stream shows ${used} answered` });
    if (a !== record && a.state !== 'running' && used !== model) tried.push({ model: used, attemptId: a.id, reason: a.state === 'failed' ? (a.message ?? a.failure ?? 'the attempt failed') : 'its work was not verified' });
  }
  return { ...(model === undefined ? {} : { model }), ...(askedFor === undefined ? {} : { askedFor }), tried };
}

/** One line for a view: `sonnet (asked for opus; left opus: overloaded)`. */
export function describeTaskModel(m: TaskModels): string {
  if (m.model === undefined) return m.askedFor ?? '-';
  const asked = m.askedFor !== undefined && m.askedFor !== m.model ? `asked for ${m.askedFor}` : undefined;
  const left = m.tried.map((t) => `left ${t.model}: ${t.reason}`);
  const notes = [asked, ...left].filter((x): x is string => x !== undefined);
  return notes.length === 0 ? m.model : `${m.model} (${notes.join('; ')})`;
}
