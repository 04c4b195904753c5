// Messages between agents (and the person running the run), each one an event: sent, then
// delivered into the recipient's context, read through read_inbox, or returned with a reason.
// The log is their audit trail: who sent what to whom, when, and when it arrived.

import type { EventEnvelope } from './events';

/** `person`: the one running the run (`orch messages`, the dashboard). */
export const PERSON = 'person';

export type MessageKind = 'message' | 'broadcast' | 'handoff' | 'question' | 'answer';

/** How a message reached its recipient's context. */
export type DeliveryRoute = 'live' | 'brief' | 'inbox' | 'person';

type Body<T extends string, P> = EventEnvelope & { readonly type: T } & P;

/**
 * One message to one recipient (a broadcast is one per recipient, sharing `broadcastId`).
 * `from`/`to`: a qualified task id, or `person`.
 */
export type MessageSent = Body<
  'message.sent',
  {
    readonly messageId: string;
    readonly from: string;
    readonly fromAgent?: string;
    /** The attempt whose tool call sent it. */
    readonly fromAttempt?: string;
    readonly to: string;
    readonly toAgent?: string;
    readonly text: string;
    readonly kind: MessageKind;
    readonly broadcastId?: string;
    readonly scope?: string;
    readonly inReplyTo?: string;
  }
>;
export type MessageDelivered = Body<'message.delivered', { readonly messageId: string; readonly via: DeliveryRoute; readonly attemptId?: string }>;
export type MessageRead = Body<'message.read', { readonly messageId: string; readonly attemptId?: string }>;
export type MessageReturned = Body<'message.returned', { readonly messageId: string; readonly reason: string }>;

export type MessageEvent = MessageSent | MessageDelivered | MessageRead | MessageReturned;
