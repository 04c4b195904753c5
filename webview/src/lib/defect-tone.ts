import type { DefectSeverity, DefectState } from '../../../src/protocol/events-defects';

/** A defect's state and severity in the page's tones: bad while it needs work, ok once settled. */
export function defectStateTone(state: DefectState): 'ok' | 'busy' | 'bad' | 'idle' {
  if (state === 'open') return 'bad';
  if (state === 'fixing') return 'busy';
  if (state === 'wont-fix') return 'idle';
  return 'ok';
}

export function severityTone(severity: DefectSeverity): 'bad' | 'busy' | 'idle' {
  return severity === 'critical' ? 'bad' : severity === 'major' ? 'busy' : 'idle';
}

export function findingPlace(f: { readonly file?: string; readonly line?: number }): string {
  return f.file === undefined ? '' : `${f.file}${f.line === undefined ? '' : `:${f.line}`}`;
}
