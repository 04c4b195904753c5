import type { RunSnapshot, TaskSnapshot } from '../../../src/protocol/run-snapshot';
import { duration } from './format';
import { attemptEnd } from './live-time';

// What the PRD view asks of its tasks. A PRD's dependency graph is shown as layers: layer 1 needs nothing inside the PRD, layer n waits on
// something in layer n-1. A list of layers reads in a screen reader and at phone width, where
// a drawn graph would not.

export interface Layer {
  readonly depth: number;
  readonly tasks: readonly TaskSnapshot[];
}

export function dependencyLayers(tasks: readonly TaskSnapshot[]): readonly Layer[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (task: TaskSnapshot): number => {
    const known = depth.get(task.id);
    if (known !== undefined) return known;
    // The plan refuses cycles; should one slip through, it must not hang the page.
    if (visiting.has(task.id)) return 1;
    visiting.add(task.id);
    let d = 1;
    for (const dep of task.depends) {
      const inside = byId.get(dep);
      if (inside !== undefined) d = Math.max(d, depthOf(inside) + 1);
    }
    visiting.delete(task.id);
    depth.set(task.id, d);
    return d;
  };
  const layers = new Map<number, TaskSnapshot[]>();
  for (const task of tasks) {
    const d = depthOf(task);
    layers.set(d, [...(layers.get(d) ?? []), task]);
  }
  return [...layers].sort(([a], [b]) => a - b).map(([d, list]) => ({ depth: d, tasks: list }));
}

/** Wall-clock time the task's attempts took (a running one up to now), as text. */
export function taskDuration(run: RunSnapshot, task: TaskSnapshot, now: number = Date.now()): string {
  let ms = 0;
  for (const id of task.attempts) {
    const a = run.attempts[id];
    if (a === undefined) continue;
    const span = attemptEnd(run, a, now) - Date.parse(a.startedAt);
    if (Number.isFinite(span) && span > 0) ms += span;
  }
  return task.attempts.length === 0 ? '–' : duration(new Date(0).toISOString(), new Date(ms).toISOString());
}
