// Checks a PRD's tasks as a graph: unique ids, dependencies that exist, no cycles, and no
// dependency on a later workflow phase (the phase gate would wait for it forever).
import type { Task } from '../../protocol/domain';
import type { YamlReader } from './yaml-reader';

export interface TaskDraft {
  readonly task: Task;
  readonly idLine: number;
  /** The line of each `depends` entry, in the same order as `task.depends`. */
  readonly dependsLines: readonly number[];
}

export function checkTaskGraph(r: YamlReader, prdId: string, drafts: readonly TaskDraft[], phases: readonly string[]): void {
  const byId = new Map<string, TaskDraft>();
  for (const draft of drafts) {
    const first = byId.get(draft.task.id);
    if (first === undefined) byId.set(draft.task.id, draft);
    else r.errorAt(`duplicate task id '${draft.task.id}' in ${prdId} (first at line ${first.idLine})`, draft.idLine);
  }
  const known = [...byId.keys()].join(', ');
  for (const { task, dependsLines } of byId.values()) {
    task.depends.forEach((depId, i) => {
      const line = dependsLines[i] ?? task.source.line;
      const dep = byId.get(depId);
      if (dep === undefined) {
        r.errorAt(`task ${task.id} depends on '${depId}', which is not a task of ${prdId}`, line, `its tasks: ${known}`);
        return;
      }
      const own = task.phase === undefined ? -1 : phases.indexOf(task.phase);
      const theirs = dep.task.phase === undefined ? -1 : phases.indexOf(dep.task.phase);
      if (own >= 0 && theirs > own) {
        r.errorAt(
          `task ${task.id} (${task.phase}) depends on ${depId}, which runs in a later phase (${dep.task.phase})`,
          line,
          'a phase starts only when the previous phases are verified, so this would wait forever',
        );
      }
    });
  }
  for (const cycle of findCycles(byId)) {
    r.errorAt(`dependency cycle in ${prdId}: ${cycle.ids.join(' -> ')}`, cycle.line, 'each task depends on the next');
  }
}

/** Every cycle closed by a back edge of a depth-first walk in file order, with the line of its first edge. */
function findCycles(byId: ReadonlyMap<string, TaskDraft>): { ids: string[]; line: number }[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: { id: string; lines: readonly number[] }[] = [];
  const cycles: { ids: string[]; line: number }[] = [];
  const visit = (draft: TaskDraft): void => {
    state.set(draft.task.id, 'open');
    stack.push({ id: draft.task.id, lines: draft.dependsLines });
    draft.task.depends.forEach((depId) => {
      const dep = byId.get(depId);
      if (dep === undefined) return;
      const seen = state.get(depId);
      if (seen === undefined) visit(dep);
      else if (seen === 'open') {
        const start = stack.findIndex((frame) => frame.id === depId);
        const path = stack.slice(start);
        const head = path[0];
        const next = path[1]?.id ?? depId;
        const line = head?.lines[byId.get(head.id)?.task.depends.indexOf(next) ?? 0] ?? 0;
        cycles.push({ ids: [...path.map((frame) => frame.id), depId], line });
      }
    });
    stack.pop();
    state.set(draft.task.id, 'done');
  };
  for (const draft of byId.values()) if (!state.has(draft.task.id)) visit(draft);
  return cycles;
}
