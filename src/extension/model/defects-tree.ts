import { defectRows, defectSummary, formatSpan, isActive, ownerLabel } from '../../protocol/defect-stats';
import type { RunSnapshot } from '../../protocol/run-snapshot';
import type { TreeNode } from './tree-node';

// The run's Defects node: open ones first and worst first, each with its owner and times. Pure,
// like the rest of the tree model; `now` comes from the caller.

export function defectsNode(run: RunSnapshot, now: number): TreeNode[] {
  const rows = defectRows(run, now);
  if (rows.length === 0) return [];
  const summary = defectSummary(rows);
  const children: TreeNode[] = rows.map((d) => ({
    id: `defect:${d.id}`,
    kind: 'defect',
    label: `${d.id} ${d.summary}`,
    description: `${d.severity} · ${d.state} · ${d.taskId}`,
    tooltip: [
      `${d.id} (${d.source}/${d.category}, ${d.severity}): ${d.summary}`,
      `Task: ${d.taskId}`,
      `Owner: ${ownerLabel(d)}`,
      `State: ${d.state}${d.reason === undefined ? '' : ` (${d.reason})`}`,
      ...(d.findings ?? []).map((f) => `- ${f.file === undefined ? '' : `${f.file}${f.line === undefined ? '' : `:${f.line}`}: `}${f.text}`),
      `Detected in ${formatSpan(d.detectionMs)}; ${d.resolutionMs === null ? `open for ${formatSpan(d.ageMs)}` : `resolved in ${formatSpan(d.resolutionMs)}`}`,
      ...d.escalations.map((e) => `Escalated: ${e.from.model} -> ${e.to.model} (${e.reason})`),
      ...(d.lesson === undefined ? [] : [`Lesson: ${d.lesson}`]),
    ].join('\n'),
    icon: isActive(d) ? { id: 'bug', color: d.severity === 'minor' ? 'charts.yellow' : 'testing.iconFailed' } : { id: d.state === 'wont-fix' ? 'circle-slash' : 'pass', color: d.state === 'wont-fix' ? undefined : 'testing.iconPassed' },
    state: d.state,
    children: [],
  }));
  return [
    {
      id: `run:${run.runId}:defects`,
      // Its own kind, so a defect's context menu (Reassign Defect) is not offered on the group.
      kind: 'defects',
      label: 'Defects',
      description: `${summary.open} open of ${summary.total} · resolution ${formatSpan(summary.meanResolutionMs)} mean`,
      tooltip: `Open: ${summary.openBySeverity.critical} critical, ${summary.openBySeverity.major} major, ${summary.openBySeverity.minor} minor\nMean detection ${formatSpan(summary.meanDetectionMs)}, mean resolution ${formatSpan(summary.meanResolutionMs)}`,
      icon: { id: 'bug' },
      state: summary.open > 0 ? 'open' : 'settled',
      expanded: summary.open > 0,
      children,
    },
  ];
}
