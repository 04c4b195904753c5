import type { AlertWebhook } from '../config/orch-config';
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
  const unsubscribe = log.subscribe((event) => dispatcher.handle(event));
  return {
    async drain() {
      await dispatcher.drain();
      unsubscribe();
    },
  };
}
