import type { AlertKind } from '../../../src/protocol/events-alerts';
import type { RunAlert } from '../../../src/protocol/fold-alerts';

export interface BannerItem {
  readonly seq: number;
  readonly label: string;
  readonly tone: 'ok' | 'bad' | 'busy';
  readonly message: string;
  readonly taskId?: string;
  readonly at: string;
  /** How the webhooks took it, when any was asked to. */
  readonly delivery?: string;
}

export interface Banner {
  readonly items: readonly BannerItem[];
  /** Alerts not shown, older than the ones shown. */
  readonly more: number;
}

const LABELS: Readonly<Record<AlertKind, { label: string; tone: BannerItem['tone'] }>> = {
  blocked: { label: 'Blocked', tone: 'bad' },
  'needs-input': { label: 'Needs input', tone: 'busy' },
  budget: { label: 'Budget', tone: 'busy' },
  failed: { label: 'Failed', tone: 'bad' },
  completed: { label: 'Completed', tone: 'ok' },
  defect: { label: 'Defect', tone: 'bad' },
};

/** The alerts raised after the last one dismissed, newest first, at most `limit` of them. */
export function alertBanner(alerts: readonly RunAlert[] | undefined, dismissedThrough: number, limit = 3): Banner {
  const open = (alerts ?? []).filter((a) => a.seq > dismissedThrough).reverse();
  return { items: open.slice(0, limit).map(item), more: Math.max(0, open.length - limit) };
}

function item(a: RunAlert): BannerItem {
  const { label, tone } = LABELS[a.kind];
  return { seq: a.seq, label, tone, message: a.message, at: a.at, ...(a.taskId === undefined ? {} : { taskId: a.taskId }), ...delivery(a) };
}

function delivery(a: RunAlert): { delivery?: string } {
  const parts = [
    ...(a.delivered.length > 0 ? [`sent to ${a.delivered.length} webhook${a.delivered.length > 1 ? 's' : ''}`] : []),
    ...(a.undelivered.length > 0 ? [`${a.undelivered.length} webhook${a.undelivered.length > 1 ? 's' : ''} failed`] : []),
  ];
  return parts.length === 0 ? {} : { delivery: parts.join(', ') };
}
