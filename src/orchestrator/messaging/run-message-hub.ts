// The one message hub of a running workflow, made on first use and kept with its event log, so
// the engine context needs no new field. On creation it returns what a crash left waiting for
// tasks that have finished since, and starts taking the person's answers dropped by
// `orch answer`.

import type { EventLog } from '../events/event-log';
import type { EngineContext } from '../engine/engine-context';
import type { Member } from './address-book';
import { removeDropped, takeDropped } from './answer-drop';
import { MessageHub } from './message-hub';

const hubs = new WeakMap<EventLog, MessageHub>();
/** How often the run looks for dropped answers: a person does not notice a quarter second. */
const ANSWER_POLL_MS = 250;

type HubContext = Pick<EngineContext, 'log' | 'state' | 'assignments' | 'paths' | 'runId'>;

export function runMessageHub(ctx: HubContext): MessageHub {
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
  watchAnswers(ctx, hub);
  return hub;
}

function watchAnswers(ctx: HubContext, hub: MessageHub): void {
  const runDir = ctx.paths.runDir(ctx.runId);
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void take()
      .catch(() => clearInterval(timer))
      .finally(() => (busy = false));
  }, ANSWER_POLL_MS);
  // A run that ends leaves no timer keeping Orch alive; an answer left unread waits for a resume.
  timer.unref();
  ctx.log.subscribe((event) => {
    if (event.type === 'run.finished') clearInterval(timer);
  });

  async function take(): Promise<void> {
    for (const dropped of await takeDropped(runDir)) {
      if (dropped.answer !== undefined) {
        const done = await hub.answer(dropped.answer.taskId, dropped.answer.text);
        if ('error' in done) await ctx.log.append({ type: 'warning.raised', message: `an answer for ${dropped.answer.taskId} was not delivered: ${done.error}` });
      } else {
        await ctx.log.append({ type: 'warning.raised', message: `${dropped.file} is not an answer (${dropped.bad ?? 'unreadable'}); it was removed` });
      }
      await removeDropped(dropped.file);
    }
  }
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
