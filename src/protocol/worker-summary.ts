// The workers of a distributed run as people read them: `orch status`, its JSON and the dashboard
// show the same rows, so the heartbeat age and the attempts on each worker are worked out here once.

import type { RunSnapshot, WorkerSnapshot } from './run-snapshot';

export interface WorkerRow extends Omit<WorkerSnapshot, 'lostReason'> {
  /** Seconds from the last heartbeat to `now`; null when the worker's time does not parse. */
  readonly heartbeatAgeSec: number | null;
  readonly lostReason: string | null;
  /** Attempts running on it now, in the order they started. */
  readonly running: readonly string[];
  /** Every attempt it took in this run, running or finished. */
  readonly attemptsTaken: number;
}

export interface WorkersSummary {
  readonly alive: number;
  readonly lost: number;
  /** Slots of the alive workers. */
  readonly slots: number;
  readonly slotsInUse: number;
}

/** Alive workers first, then by name, so the ones that can still take work lead the list. */
export function workerRows(run: RunSnapshot, now: number): readonly WorkerRow[] {
  const attempts = Object.values(run.attempts).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  return Object.values(run.workers ?? {})
    .map((w): WorkerRow => {
      const mine = attempts.filter((a) => a.worker === w.name);
      const at = Date.parse(w.lastHeartbeatAt);
      return {
        name: w.name,
        host: w.host,
        pid: w.pid,
        slots: w.slots,
        slotsInUse: w.slotsInUse,
        lastHeartbeatAt: w.lastHeartbeatAt,
        // A worker's clock a little ahead of ours is not a heartbeat from the future.
        heartbeatAgeSec: Number.isNaN(at) ? null : Math.max(0, Math.round((now - at) / 1000)),
        state: w.state,
        lostReason: w.lostReason ?? null,
        running: mine.filter((a) => a.state === 'running').map((a) => a.id),
        attemptsTaken: mine.length,
      };
    })
    .sort((a, b) => (a.state === b.state ? a.name.localeCompare(b.name) : a.state === 'alive' ? -1 : 1));
}

export function workersSummary(rows: readonly WorkerRow[]): WorkersSummary {
  const alive = rows.filter((r) => r.state === 'alive');
  return {
    alive: alive.length,
    lost: rows.length - alive.length,
    slots: alive.reduce((n, r) => n + r.slots, 0),
    slotsInUse: alive.reduce((n, r) => n + r.slotsInUse, 0),
  };
}

/** `4 s`, `2 min`, `1 h 5 min`, `3 d 2 h`: coarse on purpose, a heartbeat age is read at a glance. */
export function ageText(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h${minutes % 60 === 0 ? '' : ` ${minutes % 60} min`}`;
  return `${Math.floor(hours / 24)} d${hours % 24 === 0 ? '' : ` ${hours % 24} h`}`;
}

export function workerStateText(row: WorkerRow): string {
  return row.state === 'lost' ? `lost${row.lostReason === null ? '' : ` (${row.lostReason})`}` : 'alive';
}

/** The `orch status` lines: a head line, then one per worker. Empty for a one-process run. */
export function workerLines(rows: readonly WorkerRow[]): readonly string[] {
  if (rows.length === 0) return [];
  const sum = workersSummary(rows);
  const width = Math.max(...rows.map((r) => r.name.length));
  const hostWidth = Math.max(...rows.map((r) => r.host.length));
  return [
    `workers: ${rows.length} (${sum.alive} alive, ${sum.lost} lost), ${sum.slotsInUse}/${sum.slots} slots in use`,
    ...rows.map((r) => {
      const on = r.running.length > 0 ? `running ${r.running.join(', ')}` : r.state === 'alive' ? 'idle' : 'nothing running';
      return `  ${r.name.padEnd(width)}  ${r.host.padEnd(hostWidth)}  pid ${r.pid}  ${r.slotsInUse}/${r.slots} slots  heartbeat ${ageText(r.heartbeatAgeSec)} ago  ${workerStateText(r)}  ${on}, ${r.attemptsTaken} attempt(s) taken`;
    }),
  ];
}
