import { attemptModel } from '../../../src/protocol/model-of-record';
import type { RunSnapshot } from '../../../src/protocol/run-snapshot';

export interface FirstPassRow {
  readonly model: string;
  /** Tasks whose first attempt ran on this model and whose first pass is decided. */
  readonly decided: number;
  readonly passed: number;
  /** 0 to 1. */
  readonly rate: number;
}

/**
 * First-pass rate per model: a task passes first time when its first attempt was verified with no
 * defect. A task counts once its first pass is decided (verified, sent back, failed or blocked), on
 * the model that did its first attempt.
 */
export function firstPassByModel(run: RunSnapshot): { readonly rows: readonly FirstPassRow[]; readonly summary: string } {
  const byModel = new Map<string, { decided: number; passed: number }>();
  for (const task of Object.values(run.tasks)) {
    const first = task.attempts[0] === undefined ? undefined : run.attempts[task.attempts[0]];
    if (first === undefined || first.state === 'running') continue;
    const passed = task.state === 'verified' && task.defects === 0 && task.attempts.length === 1;
    const decided = passed || task.defects > 0 || first.state === 'failed' || task.attempts.length > 1 || task.state === 'failed' || task.state === 'blocked';
    if (!decided) continue;
    const model = attemptModel(first);
    const entry = byModel.get(model) ?? { decided: 0, passed: 0 };
    entry.decided += 1;
    if (passed) entry.passed += 1;
    byModel.set(model, entry);
  }
  const rows = [...byModel.entries()]
    .map(([model, e]) => ({ model, decided: e.decided, passed: e.passed, rate: e.passed / e.decided }))
    .sort((a, b) => b.rate - a.rate || b.decided - a.decided || a.model.localeCompare(b.model));
  const summary =
    rows.length === 0
      ? 'No task has a decided first pass yet.'
      : rows.map((r) => `${r.model} ${Math.round(r.rate * 100)}% (${r.passed} of ${r.decided})`).join('; ') + ' of tasks verified on their first attempt with no defect.';
  return { rows, summary };
}
