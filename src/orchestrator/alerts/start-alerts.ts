import type { AlertWebhook } from '../config/orch-config';
import type { OrchEvent } from '../../protocol/events';
import { alertOf } from '../../protocol/events-alerts';
import type { EventLog } from '../events/event-log';
import { AlertDispatcher, type AlertPorts } from './alert-dispatcher';
import { httpAlertPorts } from './http-alert-ports';

export interface RunAlerts {
  /** Waits (briefly) for deliveries under way; call before the log closes. */
  drain(): Promise<void>;
}

/** Sends the alerts of the events appended to `log` from now on to the config's webhooks. */
export function startAlerts(webhooks: readonly AlertWebhook[], log: EventLog, workspace: string, ports: AlertPorts = httpAlertPorts): RunAlerts {
  if (webhooks.length === 0) return { drain: () => Promise.resolve() };
  const dispatcher = new AlertDispatcher(webhooks, (event) => log.append(event), ports, workspace);
  for (const { event, webhook } of undelivered(log.events, webhooks.length)) dispatcher.handle(event, webhook);
  const unsubscribe = log.subscribe((event) => dispatcher.handle(event));
  return {
    async drain() {
      await dispatcher.drain();
      unsubscribe();
    },
  };
}

/**
 * Alerts the last Orch on this run was still delivering when it stopped (a kill -9 mid-retry, or
 * before it recorded a try's answer): raised since that Orch started, to a webhook it was sending
 * to, with no final record. A webhook with no record in that stretch was not configured then, and
 * its old alerts are not sent now. A receiver may get an alert twice: `runId` and `seq` tell.
 */
function undelivered(history: readonly OrchEvent[], webhooks: number): { event: OrchEvent; webhook: number }[] {
  const from = history.findLastIndex((e) => e.type === 'run.started' || e.type === 'run.resumed');
  const stretch = from < 0 ? history : history.slice(from);
  const active = new Set<number>();
  const settled = new Set<string>();
  for (const e of stretch) {
    if (e.type !== 'alert.delivered' && e.type !== 'alert.deliveryFailed') continue;
    active.add(e.webhook);
    if (e.type === 'alert.delivered' || e.retryInMs === undefined) settled.add(`${e.sourceSeq}/${e.webhook}`);
  }
  const pending: { event: OrchEvent; webhook: number }[] = [];
  for (const event of stretch) {
    if (alertOf(event) === undefined) continue;
    for (const webhook of active) {
      if (webhook < webhooks && !settled.has(`${event.seq}/${webhook}`)) pending.push({ event, webhook });
    }
  }
  return pending;
}
