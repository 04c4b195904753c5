import type { OrchEvent } from '../../protocol/events';
import type { RaisedAlert } from '../../protocol/events-alerts';

/** The JSON body of an alert (docs/alerts.md); `version` changes only when a field changes meaning. */
export interface AlertPayload {
  readonly type: 'orch.alert';
  readonly version: 1;
  readonly kind: RaisedAlert['kind'];
  readonly runId: string;
  /** The seq of the event that raised it in the run's log. */
  readonly seq: number;
  readonly at: string;
  readonly taskId: string | null;
  readonly message: string;
  /** The event type that raised it. */
  readonly event: string;
  readonly workspace: string;
}

const ICONS: Readonly<Record<RaisedAlert['kind'], string>> = {
  blocked: ':no_entry:',
  'needs-input': ':raising_hand:',
  budget: ':moneybag:',
  failed: ':x:',
  completed: ':white_check_mark:',
  defect: ':beetle:',
};

export function alertBody(format: 'json' | 'slack', alert: RaisedAlert, event: OrchEvent, workspace: string): string {
  if (format === 'slack') return JSON.stringify({ text: `${ICONS[alert.kind]} Orch run ${event.runId}: ${slackEscape(alert.message)}` });
  const payload: AlertPayload = {
    type: 'orch.alert',
    version: 1,
    kind: alert.kind,
    runId: event.runId,
    seq: event.seq,
    at: event.at,
    taskId: alert.taskId ?? null,
    message: alert.message,
    event: event.type,
    workspace,
  };
  return JSON.stringify(payload);
}

// Slack reads `<...>` as a link or mention and `&` as an entity: an agent's text must not be either.
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
