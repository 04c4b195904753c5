import type { Milestone, Prd, Roadmap, Task } from '../../src/protocol/domain';
import type { NewEvent, OrchEvent } from '../../src/protocol/events';

export function task(prdId: string, id: string, extra: Partial<Task> = {}): Task {
  return { id, prdId, title: `Task ${id}`, description: `Do ${id}`, depends: [], verify: [], source: { file: 'prd.md', line: 1 }, ...extra };
}

export function roadmapWith(prds: readonly { readonly milestone: string; readonly prd: Omit<Prd, 'milestoneId' | 'source' | 'body' | 'title'> }[]): Roadmap {
  const milestones = new Map<string, Prd[]>();
  for (const { milestone, prd } of prds) {
    const list = milestones.get(milestone) ?? [];
    list.push({ ...prd, milestoneId: milestone, title: prd.id, body: '', source: { file: `${prd.id}.md`, line: 1 } });
    milestones.set(milestone, list);
  }
  const ms: Milestone[] = [...milestones].map(([id, list]) => ({
    id,
    phaseId: id.split('.')[0] as string,
    title: `Milestone ${id}`,
    features: [],
    successMetrics: [],
    prds: list,
    source: { file: 'roadmap.md', line: 1 },
  }));
  return { title: 'Test', file: 'roadmap.md', phases: [{ id: '0', title: 'Phase 0', milestones: ms, source: { file: 'roadmap.md', line: 1 } }] };
}

/** Gives a list of event bodies envelopes, as the log would. */
export function sequenced(runId: string, bodies: readonly NewEvent[]): OrchEvent[] {
  return bodies.map((b, i) => ({ ...b, seq: i + 1, at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, runId }));
}
