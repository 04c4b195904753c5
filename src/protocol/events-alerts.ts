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

export function alertOf(event: OrchEvent): RaisedAlert | undefined {
  switch (event.type) {
    case 'task.blocked':
      return { kind: 'blocked', taskId: event.taskId, message: `${event.taskId} is blocked: ${event.reason}` };
    case 'task.failed':
      return { kind: 'failed', taskId: event.taskId, message: `${event.taskId} failed: ${event.reason}` };
    // Every defect (a failed check, a review, a merge conflict) is raised once per rework; its
    // `defect.opened` or `defect.recurred` record comes with it and raises no second alert.
    case 'defect.raised':
      return { kind: 'defect', taskId: event.taskId, message: `defect on ${event.taskId} (${event.attemptId}): ${event.reason}` };
    case 'run.paused':
      return event.reason === 'budget' ? { kind: 'budget', message: `run paused by its budget: ${event.message}` } : undefined;
    case 'run.finished':
      if (event.state === 'completed') return { kind: 'completed', message: `run ${event.runId} completed` };
      return event.state === 'failed' ? { kind: 'failed', message: `run ${event.runId} ended failed` } : undefined;
    case 'message.sent':
      return event.kind === 'question' ? { kind: 'needs-input', taskId: event.from, message: `${event.from} needs input: ${event.text}` } : undefined;
    default:
      return undefined;
  }
}
