// The one message hub of a running workflow, made on first use and kept with its event log, so
// the engine context needs no new field. On creation it returns what a crash left waiting for
// tasks that have finished since.

import type { EventLog } from '../events/event-log';
import type { EngineContext } from '../engine/engine-context';
import type { Member } from './address-book';
import { MessageHub } from './message-hub';

const hubs = new WeakMap<EventLog, MessageHub>();

export function runMessageHub(ctx: Pick<EngineContext, 'log' | 'state' | 'assignments'>): MessageHub {
  const existing = hubs.get(ctx.log);
  if (existing !== undefined) return existing;
  const hub = new MessageHub({
    append: (event) => ctx.log.append(event),
    state: () => ctx.state(),
    members: () => membersOf(ctx),
  });
  hubs.set(ctx.log, hub);
  ctx.log.subscribe((event) => hub.observe(event));
  void hub.returnUndeliverable().catch(() => undefined);
  return hub;
}

function membersOf(ctx: Pick<EngineContext, 'state' | 'assignments'>): Member[] {
  const state = ctx.state();
  const members: Member[] = [];
  for (const id of state.taskOrder) {
    const task = state.tasks[id];
    const agent = ctx.assignments.get(id)?.agent;
    if (task === undefined) continue;
    members.push({ taskId: id, agent: agent?.name ?? task.agent ?? 'unknown', ...(agent?.team === undefined ? {} : { team: agent.team }), state: task.state });
  }
  return members;
}
