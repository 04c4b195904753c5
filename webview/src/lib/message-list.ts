// The Messages view's queries: filters by agent and by task, and threads (a broadcast's copies,
// a question and its answer, each message with what replies to it).

import type { MessageSnapshot } from '../../../src/protocol/fold-messages';
import type { RunSnapshot } from '../../../src/protocol/run-snapshot';

export interface MessageFilter {
  readonly agent?: string;
  readonly task?: string;
}

export interface Thread {
  readonly key: string;
  readonly head: MessageSnapshot;
  /** The copies of a broadcast beside the head, and the replies to it. */
  readonly rest: readonly MessageSnapshot[];
}

export function messageFilterChoices(run: RunSnapshot): { readonly agents: string[]; readonly tasks: string[] } {
  const messages = run.messages ?? [];
  const agents = new Set<string>();
  const tasks = new Set<string>();
  for (const m of messages) {
    for (const a of [m.fromAgent, m.toAgent]) if (a !== undefined) agents.add(a);
    for (const t of [m.from, m.to]) if (run.tasks[t] !== undefined) tasks.add(t);
  }
  return { agents: [...agents].sort(), tasks: run.taskOrder.filter((t) => tasks.has(t)) };
}

export function filterMessages(messages: readonly MessageSnapshot[], filter: MessageFilter): MessageSnapshot[] {
  return messages.filter(
    (m) => (filter.agent === undefined || m.fromAgent === filter.agent || m.toAgent === filter.agent) && (filter.task === undefined || m.from === filter.task || m.to === filter.task),
  );
}

export function threads(messages: readonly MessageSnapshot[]): Thread[] {
  const out: { key: string; head: MessageSnapshot; rest: MessageSnapshot[] }[] = [];
  const byKey = new Map<string, (typeof out)[number]>();
  const threadOf = new Map<string, string>();
  for (const m of messages) {
    const parent = m.inReplyTo === undefined ? undefined : threadOf.get(m.inReplyTo);
    const key = parent ?? m.broadcastId ?? m.id;
    threadOf.set(m.id, key);
    const existing = byKey.get(key);
    if (existing === undefined) {
      const thread = { key, head: m, rest: [] };
      byKey.set(key, thread);
      out.push(thread);
    } else existing.rest.push(m);
  }
  return out;
}

export function deliveryLabel(m: MessageSnapshot): string {
  if (m.state === 'pending') return 'pending';
  if (m.state === 'read') return 'read';
  if (m.state === 'returned') return `returned: ${m.reason ?? ''}`;
  const via = m.via === 'live' ? 'mid-turn' : m.via === 'brief' ? 'in its brief' : m.via === 'inbox' ? 'through its inbox' : 'to the person';
  return `delivered ${via}${m.attemptId === undefined ? '' : ` (${m.attemptId})`}`;
}
