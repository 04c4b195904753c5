// The alerts a run raised, with how their delivery went: what the dashboard's banner shows.
// Pure, called by `foldEvent` after every event.

import type { OrchEvent } from './events';
import { alertOf, type AlertKind } from './events-alerts';
import type { RunSnapshot } from './run-snapshot';

export interface RunAlert {
  /** The seq of the event that raised it. */
  readonly seq: number;
  readonly kind: AlertKind;
  readonly message: string;
  readonly taskId?: string;
  readonly at: string;
  /** Webhooks that took it, and webhooks that gave up on it (by their index in config `alerts`). */
  readonly delivered: readonly number[];
  readonly undelivered: readonly number[];
}

/** Alerts kept in a snapshot: the newest, so a long run's banner and snapshot stay small. */
const KEPT = 50;

export function foldAlerts(s: RunSnapshot, e: OrchEvent): RunSnapshot {
  if (e.type === 'alert.delivered' || e.type === 'alert.deliveryFailed') {
    if (e.type === 'alert.deliveryFailed' && e.retryInMs !== undefined) return s;
    const alerts = (s.alerts ?? []).map((a) =>
      a.seq !== e.sourceSeq ? a : e.type === 'alert.delivered' ? { ...a, delivered: [...a.delivered, e.webhook] } : { ...a, undelivered: [...a.undelivered, e.webhook] },
    );
    return { ...s, alerts };
  }
  const raised = alertOf(e);
  if (raised === undefined) return s;
  const alert: RunAlert = { seq: e.seq, at: e.at, ...raised, delivered: [], undelivered: [] };
  return { ...s, alerts: [...(s.alerts ?? []), alert].slice(-KEPT) };
}
