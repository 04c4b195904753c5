// Alerts: run conditions a person should hear about (a blocked task, a budget pause, the end of
// a run...), sent to the webhooks in config and shown as a banner on the dashboard. Which events
// raise which alert is `alertOf`, pure and shared by the sender and the fold.

import type { EventEnvelope, OrchEvent } from './events';

export const ALERT_KINDS = ['blocked', 'needs-input', 'budget', 'failed', 'completed', 'defect'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

type Body<T extends string, P> = EventEnvelope & { readonly type: T } & P;

/**
 * Where an alert went, without its URL (a webhook URL is a credential): the webhook's index in
 * config `alerts` and the URL's host.
 */
interface AlertTarget {
  /** The seq of the event that raised the alert. */
  readonly sourceSeq: number;
  readonly kind: AlertKind;
  readonly webhook: number;
  readonly host: string;
}

export type AlertDelivered = Body<'alert.delivered', AlertTarget & { readonly attempts: number }>;
/** One try failed; `retryInMs` absent: no more tries for this alert. */
export type AlertDeliveryFailed = Body<
  'alert.deliveryFailed',
  AlertTarget & { readonly attempt: number; readonly error: string; readonly retryInMs?: number }
>;

export interface RaisedAlert {
  readonly kind: AlertKind;
  readonly message: string;
  readonly taskId?: string;
}

/**
 * Event types that other parts of Orch record for a question to a person and a defect opened by
 * a reviewer; listed by name so their alerts work as soon as those events exist.
 */
const NEEDS_INPUT_EVENTS: readonly string[] = ['question.asked', 'person.asked', 'task.waiting'];
const DEFECT_EVENTS: readonly string[] = ['defect.opened'];

export function alertOf(event: OrchEvent): RaisedAlert | undefined {
  switch (event.type) {
    case 'task.blocked':
      return { kind: 'blocked', taskId: event.taskId, message: `${event.taskId} is blocked: ${event.reason}` };
    case 'task.failed':
      return { kind: 'failed', taskId: event.taskId, message: `${event.taskId} failed: ${event.reason}` };
    case 'defect.raised':
      return { kind: 'defect', taskId: event.taskId, message: `defect on ${event.taskId} (${event.attemptId}): ${event.reason}` };
    case 'run.paused':
      return event.reason === 'budget' ? { kind: 'budget', message: `run paused by its budget: ${event.message}` } : undefined;
    case 'run.finished':
      if (event.state === 'completed') return { kind: 'completed', message: `run ${event.runId} completed` };
      return event.state === 'failed' ? { kind: 'failed', message: `run ${event.runId} ended failed` } : undefined;
    default:
      return otherAlert(event);
  }
}

function otherAlert(event: { readonly type: string; readonly taskId?: unknown; readonly question?: unknown; readonly text?: unknown; readonly reason?: unknown }): RaisedAlert | undefined {
  const taskId = typeof event.taskId === 'string' ? event.taskId : undefined;
  const said = [event.question, event.text, event.reason].find((v): v is string => typeof v === 'string') ?? '';
  const who = taskId ?? 'an agent';
  if (NEEDS_INPUT_EVENTS.includes(event.type)) return { kind: 'needs-input', message: `${who} needs input${said === '' ? '' : `: ${said}`}`, ...(taskId === undefined ? {} : { taskId }) };
  if (DEFECT_EVENTS.includes(event.type)) return { kind: 'defect', message: `defect opened on ${who}${said === '' ? '' : `: ${said}`}`, ...(taskId === undefined ? {} : { taskId }) };
  return undefined;
}
