// The messages part of the run fold: pure, and tolerant of a log it does not fully understand
// (an event about an unknown message is ignored, as the main fold does with unknown tasks).

import type { DeliveryRoute, MessageEvent, MessageKind } from './events-messages';
import type { RunSnapshot } from './run-snapshot';

export type MessageState = 'pending' | 'delivered' | 'read' | 'returned';

export interface MessageSnapshot {
  readonly id: string;
  readonly from: string;
  readonly fromAgent?: string;
  readonly fromAttempt?: string;
  readonly to: string;
  readonly toAgent?: string;
  readonly text: string;
  readonly kind: MessageKind;
  readonly broadcastId?: string;
  readonly scope?: string;
  readonly inReplyTo?: string;
  readonly state: MessageState;
  readonly sentAt: string;
  readonly deliveredAt?: string;
  readonly via?: DeliveryRoute;
  /** The recipient's attempt that got it. */
  readonly attemptId?: string;
  readonly readAt?: string;
  readonly returnedAt?: string;
  readonly reason?: string;
}

export function foldMessage(s: RunSnapshot, e: MessageEvent): RunSnapshot {
  const messages = s.messages ?? [];
  if (e.type === 'message.sent') {
    if (messages.some((m) => m.id === e.messageId)) return s;
    const { messageId, from, fromAgent, fromAttempt, to, toAgent, text, kind, broadcastId, scope, inReplyTo } = e;
    const sent: MessageSnapshot = { id: messageId, from, fromAgent, fromAttempt, to, toAgent, text, kind, broadcastId, scope, inReplyTo, state: 'pending', sentAt: e.at };
    return withQuestion({ ...s, messages: [...messages, sent] }, sent);
  }
  const index = messages.findIndex((m) => m.id === e.messageId);
  const message = messages[index];
  if (message === undefined) return s;
  const next = change(message, e);
  if (next === message) return s;
  return { ...s, messages: messages.map((m, i) => (i === index ? next : m)) };
}

function change(m: MessageSnapshot, e: Exclude<MessageEvent, { type: 'message.sent' }>): MessageSnapshot {
  switch (e.type) {
    case 'message.delivered':
      // Exactly once: a second delivery record (a replayed log) changes nothing.
      if (m.state !== 'pending') return m;
      return { ...m, state: 'delivered', deliveredAt: e.at, via: e.via, attemptId: e.attemptId };
    case 'message.read':
      if (m.state === 'read' || m.state === 'returned') return m;
      return { ...m, state: 'read', readAt: e.at, deliveredAt: m.deliveredAt ?? e.at, attemptId: m.attemptId ?? e.attemptId };
    case 'message.returned':
      if (m.state !== 'pending') return m;
      return { ...m, state: 'returned', returnedAt: e.at, reason: e.reason };
  }
}

/** A question marks its task as waiting for the person; the answer clears it. */
function withQuestion(s: RunSnapshot, m: MessageSnapshot): RunSnapshot {
  const taskId = m.kind === 'question' ? m.from : m.kind === 'answer' ? m.to : undefined;
  const task = taskId === undefined ? undefined : s.tasks[taskId];
  if (task === undefined || taskId === undefined) return s;
  if (m.kind === 'question') return { ...s, tasks: { ...s.tasks, [taskId]: { ...task, needsInput: { messageId: m.id, question: m.text, at: m.sentAt } } } };
  if (task.needsInput?.messageId !== m.inReplyTo) return s;
  const { needsInput: _answered, ...rest } = task;
  return { ...s, tasks: { ...s.tasks, [taskId]: rest } };
}

/** Messages still waiting for this recipient, oldest first. */
export function pendingFor(s: RunSnapshot, taskId: string): MessageSnapshot[] {
  return (s.messages ?? []).filter((m) => m.to === taskId && m.state === 'pending');
}

