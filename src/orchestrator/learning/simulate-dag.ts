// Wall time over a DAG of tasks at a given parallelism: a list-scheduling simulation that starts
// ready work as the engine's scheduler does (earlier phase first, then the longer chain behind
// it), drawn many times from each task's predicted interval with a fixed seed. Pure.

import type { Interval } from '../../protocol/forecast';

export interface SimTask {
  readonly id: string;
  readonly durationMs: Interval;
  readonly costUsd: Interval;
  readonly risk: number;
  /** Tasks that must end first: its dependencies and, in its PRD, the tasks of earlier phases. */
  readonly after: readonly string[];
  /** Lower starts first among ready tasks (its phase's place in the workflow). */
  readonly phaseIndex: number;
  /** Time already spent on it (a running task): its remaining time is what is left of a draw. */
  readonly elapsedMs?: number;
}

export interface RollUp {
  readonly wallMs: Interval;
  readonly costUsd: Interval;
  readonly risk: number;
}

const DRAWS = 200;
const SEED = 0x5eed;
// 1.2816 standard deviations leave 10% of a normal distribution on each side: the 80% interval.
const Z90 = 1.2816;

/** Wall time, cost and risk of the tasks at the parallelism; dependencies outside them are taken as done. */
export function rollUp(tasks: readonly SimTask[], parallel: number): RollUp {
  if (tasks.length === 0) return { wallMs: { p50: 0, lo: 0, hi: 0 }, costUsd: { p50: 0, lo: 0, hi: 0 }, risk: 0 };
  const plan = prepare(tasks);
  const random = mulberry32(SEED);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Tasks that wait on none of each other and fit the slots all start at once: the wall time of a
  // draw is its longest task, which the simulation would find too (a few hundred draws of it cost
  // several ms of a run's start, most of it V8 optimising the simulation's loops).
  const allAtOnce = plan.after.every((list) => list.length === 0) && tasks.length <= Math.max(1, parallel);
  const walls: number[] = [];
  const costs: number[] = [];
  for (let d = 0; d < DRAWS; d++) {
    const durations = tasks.map((t) => {
      const drawn = draw(t.durationMs, normal());
      const elapsed = t.elapsedMs ?? 0;
      // A task running longer than this draw still has some time to go: at least a tenth of it.
      return elapsed > 0 ? Math.max(drawn - elapsed, drawn * 0.1) : drawn;
    });
    walls.push(allAtOnce ? Math.max(...durations) : simulate(plan, durations, parallel));
    costs.push(tasks.reduce((sum, t) => sum + draw(t.costUsd, normal()), 0));
  }
  return { wallMs: interval(walls), costUsd: interval(costs), risk: 1 - tasks.reduce((p, t) => p * (1 - t.risk), 1) };
}

/** One wall time for given durations (by task index): exported for tests of the scheduling itself. */
export function wallTime(tasks: readonly SimTask[], durations: readonly number[], parallel: number): number {
  return simulate(prepare(tasks), durations, parallel);
}

interface Plan {
  readonly after: readonly number[][];
  readonly dependents: readonly number[][];
  /** Each task's place among ready tasks: lower starts first. */
  readonly rank: readonly number[];
}

function prepare(tasks: readonly SimTask[]): Plan {
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  const after = tasks.map((t) => [...new Set(t.after.flatMap((id) => (index.has(id) ? [index.get(id)!] : [])))]);
  const dependents = tasks.map(() => [] as number[]);
  after.forEach((list, i) => list.forEach((j) => dependents[j]!.push(i)));
  // The chain of median times behind each task, as the scheduler favours the longer chain.
  const chain = new Map<number, number>();
  const visit = (i: number, seen: Set<number>): number => {
    const known = chain.get(i);
    if (known !== undefined) return known;
    if (seen.has(i)) return 0;
    seen.add(i);
    const length = tasks[i]!.durationMs.p50 + Math.max(0, ...dependents[i]!.map((j) => visit(j, seen)));
    seen.delete(i);
    chain.set(i, length);
    return length;
  };
  tasks.forEach((_, i) => visit(i, new Set()));
  const order = tasks.map((_, i) => i).sort((a, b) => tasks[a]!.phaseIndex - tasks[b]!.phaseIndex || chain.get(b)! - chain.get(a)! || a - b);
  const rank = new Array<number>(tasks.length);
  order.forEach((i, r) => (rank[i] = r));
  return { after, dependents, rank };
}

function simulate(plan: Plan, durations: readonly number[], parallel: number): number {
  const waiting = plan.after.map((list) => list.length);
  // Ready tasks by rank, highest rank first so the next to start is popped off the end.
  const ready = plan.rank.map((_, i) => i).filter((i) => waiting[i] === 0).sort((a, b) => plan.rank[b]! - plan.rank[a]!);
  const running: { readonly task: number; readonly end: number }[] = [];
  const slots = Math.max(1, parallel);
  let now = 0;
  for (;;) {
    while (running.length < slots && ready.length > 0) {
      const task = ready.pop()!;
      insertSorted(running, { task, end: now + durations[task]! }, (a, b) => a.end - b.end);
    }
    // Nothing runs: all done, or the rest wait on a cycle the loader would have refused.
    const next = running.shift();
    if (next === undefined) return now;
    now = next.end;
    for (const d of plan.dependents[next.task]!) {
      waiting[d] = waiting[d]! - 1;
      if (waiting[d] === 0) insertSorted(ready, d, (a, b) => plan.rank[b]! - plan.rank[a]!);
    }
  }
}

function insertSorted<T>(list: T[], item: T, compare: (a: T, b: T) => number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(list[mid]!, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}

/** A draw from the interval: log-normal on each side of the median, so lo and hi are its 10th and 90th percentiles. */
function draw(i: Interval, z: number): number {
  if (i.p50 <= 0) return Math.max(0, i.p50 + z * ((z < 0 ? i.p50 - i.lo : i.hi - i.p50) / Z90));
  const side = z < 0 ? Math.log(i.p50 / Math.max(i.lo, i.p50 * 1e-3)) : Math.log(Math.max(i.hi, i.p50) / i.p50);
  return i.p50 * Math.exp((z * side) / Z90);
}

function interval(values: number[]): Interval {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), lo: at(0.1), hi: at(0.9) };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
