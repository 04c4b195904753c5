// What every defects view shows, computed once from the folded run: each defect with its times,
// and the open ones counted by severity and owner. `now` is passed in so the views stay pure.

import type { DefectRecord, DefectSeverity } from './events-defects';
import type { RunSnapshot } from './run-snapshot';

export interface DefectRow extends DefectRecord {
  /** From the end of the defective attempt to the defect's record: how fast verification caught it. */
  readonly detectionMs: number | null;
  /** From detection to the verified fix; null while it is not fixed. */
  readonly resolutionMs: number | null;
  /** Since detection, for a defect still open or being fixed. */
  readonly ageMs: number | null;
}

export interface DefectSummary {
  readonly total: number;
  readonly open: number;
  readonly openBySeverity: Readonly<Record<DefectSeverity, number>>;
  /** Open defects per owner, `agent on model`. */
  readonly openByOwner: Readonly<Record<string, number>>;
  readonly meanDetectionMs: number | null;
  readonly meanResolutionMs: number | null;
  readonly maxResolutionMs: number | null;
}

const SEVERITY_ORDER: readonly DefectSeverity[] = ['critical', 'major', 'minor'];

function span(from: string | undefined, to: string | undefined): number | null {
  if (from === undefined || to === undefined) return null;
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

export function isActive(d: DefectRecord): boolean {
  return d.state === 'open' || d.state === 'fixing';
}

export function ownerLabel(d: DefectRecord): string {
  return `${d.owner.agent} on ${d.owner.model}`;
}

/** Active defects first, worst first; then the rest by detection time. */
export function defectRows(run: RunSnapshot, now: number, taskId?: string): DefectRow[] {
  const rows = Object.values(run.defects ?? {})
    .filter((d) => taskId === undefined || d.taskId === taskId)
    .map((d) => ({
      ...d,
      detectionMs: span(d.workEndedAt, d.detectedAt),
      resolutionMs: span(d.detectedAt, d.resolvedAt),
      ageMs: isActive(d) ? Math.max(0, now - Date.parse(d.detectedAt)) : null,
    }));
  return rows.sort((a, b) => Number(isActive(b)) - Number(isActive(a)) || SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || a.detectedAt.localeCompare(b.detectedAt));
}

export function defectSummary(rows: readonly DefectRow[]): DefectSummary {
  const open = rows.filter(isActive);
  const openBySeverity: Record<DefectSeverity, number> = { critical: 0, major: 0, minor: 0 };
  const openByOwner: Record<string, number> = {};
  for (const d of open) {
    openBySeverity[d.severity] += 1;
    openByOwner[ownerLabel(d)] = (openByOwner[ownerLabel(d)] ?? 0) + 1;
  }
  const mean = (values: readonly (number | null)[]): number | null => {
    const known = values.filter((v): v is number => v !== null);
    return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
  };
  const resolutions = rows.map((r) => r.resolutionMs).filter((v): v is number => v !== null);
  return {
    total: rows.length,
    open: open.length,
    openBySeverity,
    openByOwner,
    meanDetectionMs: mean(rows.map((r) => r.detectionMs)),
    meanResolutionMs: mean(resolutions),
    maxResolutionMs: resolutions.length === 0 ? null : Math.max(...resolutions),
  };
}

/** `1.2 s`, `3 min 4 s`, `2 h 5 min`: the times views print. */
export function formatSpan(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}
