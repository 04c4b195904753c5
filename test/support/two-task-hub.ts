// A run of two running tasks, PRD-1/T1 (agent `sender`) and PRD-1/T2 (agent `receiver`), in a
// real event log, with its message hub wired as the engine wires it (run-message-hub.ts): the
// hub's notices are what starts a live delivery. For tests and benches of messaging.

import { join } from 'node:path';
import { EventLog } from '../../src/orchestrator/events/event-log';
import type { Member } from '../../src/orchestrator/messaging/address-book';
import { MessageHub } from '../../src/orchestrator/messaging/message-hub';
import type { OrchEvent } from '../../src/protocol/events';
import { foldEvent } from '../../src/protocol/fold';
import type { RunSnapshot } from '../../src/protocol/run-snapshot';

export interface TwoTaskHub {
  readonly hub: MessageHub;
  readonly log: EventLog;
  /** Every event appended, in order. */
  readonly events: readonly OrchEvent[];
  readonly state: () => RunSnapshot;
}

export async function twoTaskHub(dir: string): Promise<TwoTaskHub> {
  const log = await EventLog.open(join(dir, 'events.jsonl'), 'two-tasks');
  const events: OrchEvent[] = [];
  let state: RunSnapshot | undefined;
  log.subscribe((e) => {
    events.push(e);
    state = foldEvent(state, e);
  });
  await log.append({ type: 'run.started', roadmapFile: 'roadmap.md', milestones: [] });
  const task = (id: string) => ({ id, title: id, description: '', depends: [], verify: [], source: { file: 'p.md', line: 1 } });
  const prd = { id: 'PRD-1', title: 'p', milestoneId: '1.1', source: { file: 'p.md', line: 1 }, tasks: [task('T1'), task('T2')] };
  await log.append({ type: 'plan.loaded', roadmap: { title: 'r', source: { file: 'r.md', line: 1 }, phases: [{ id: '1', title: 'p', milestones: [{ id: '1.1', title: 'm', features: [], successMetrics: [], prds: [prd] }] }] } as never });
  for (const id of ['PRD-1/T1', 'PRD-1/T2']) await log.append({ type: 'attempt.started', taskId: id, attemptId: `${id}#1`, agent: 'a', model: 'm', prompt: '' });
  const members = (): Member[] => ['PRD-1/T1', 'PRD-1/T2'].map((id) => ({ taskId: id, agent: id === 'PRD-1/T1' ? 'sender' : 'receiver', state: state!.tasks[id]!.state }));
  const hub = new MessageHub({ append: (e) => log.append(e), state: () => state!, members });
  log.subscribe((e) => hub.observe(e));
  return { hub, log, events, state: () => state! };
}
