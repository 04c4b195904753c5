import { defectRows, defectSummary, formatSpan, ownerLabel } from '../../protocol/defect-stats';
import { EXIT } from '../../protocol/exit-codes';
import { type Command } from '../cli-io';
import { parseCommandArgs } from '../run-cli';
import { findRunId, readRun, workspaceOf } from '../run-lookup';

/** `orch defects [runId] [--json]`: each defect with its source, severity, owner, state and times. */
export const defectsCommand: Command = async (args, io) => {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, workspace: { type: 'string' } }, { min: 0, max: 1, names: '[runId]' });
  const paths = workspaceOf(io, values.workspace);
  const run = await readRun(paths, await findRunId(paths, positionals[0]));
  const rows = defectRows(run, Date.now());
  const summary = defectSummary(rows);
  if (values.json === true) {
    io.out(JSON.stringify({ runId: run.runId, summary, defects: rows }, null, 2));
    return EXIT.ok;
  }
  if (rows.length === 0) {
    io.out(`run ${run.runId}: no defects`);
    return EXIT.ok;
  }
  const bySeverity = Object.entries(summary.openBySeverity).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`);
  io.out(`run ${run.runId}: ${summary.total} defect(s), ${summary.open} open${bySeverity.length === 0 ? '' : ` (${bySeverity.join(', ')})`}; detection ${formatSpan(summary.meanDetectionMs)} and resolution ${formatSpan(summary.meanResolutionMs)} on average`);
  for (const d of rows) {
    const state = d.state === 'wont-fix' ? `wont-fix (${d.reason ?? 'no reason given'})` : d.state;
    io.out(`  ${d.id.padEnd(4)} ${d.severity.padEnd(8)} ${state.padEnd(9)} ${d.taskId}  ${d.source}/${d.category}, owner ${ownerLabel(d)}`);
    io.out(`       ${d.summary}`);
    for (const f of d.findings ?? []) io.out(`       - ${f.file === undefined ? '' : `${f.file}${f.line === undefined ? '' : `:${f.line}`}: `}${f.text}`);
    const times = [`detected in ${formatSpan(d.detectionMs)}`, d.resolutionMs === null ? (d.ageMs === null ? 'not resolved' : `open for ${formatSpan(d.ageMs)}`) : `resolved in ${formatSpan(d.resolutionMs)}`];
    io.out(`       ${times.join(', ')}; ${d.attempts.length} attempt(s) on it${d.recurrences > 0 ? `, the fix failed ${d.recurrences} time(s)` : ''}${d.escalations.length > 0 ? `; escalated: ${d.escalations.map((e) => `${e.from.model} -> ${e.to.model}`).join(', ')}` : ''}`);
    if (d.lesson !== undefined) io.out(`       lesson: ${d.lesson}`);
  }
  return EXIT.ok;
};
