import type { OrchEvent } from '../protocol/events';
import type { EventLog } from '../orchestrator/events/event-log';
import type { CliIo } from './cli-io';

/** One line per milestone of a task's life, so a terminal shows the run without a dashboard. */
export function printProgress(log: EventLog, io: CliIo): () => void {
  return log.subscribe((event) => {
    const line = describe(event);
    if (line !== undefined) io.out(line);
  });
}

function describe(e: OrchEvent): string | undefined {
  switch (e.type) {
    case 'attempt.started':
      return `  ▶ ${e.attemptId} started: ${e.agent} on ${e.model}${e.resumeOf === undefined ? '' : ` (rework of ${e.resumeOf})`}`;
    case 'attempt.finished':
      return e.outcome === 'succeeded'
        ? `  ✓ ${e.attemptId} finished in ${(e.durationMs / 1000).toFixed(1)} s, $${e.costUsd.toFixed(4)} (${e.costSource})`
        : `  ✗ ${e.attemptId} failed (${e.failure}): ${e.message ?? ''}`;
    case 'task.verified':
      return `  ✔ ${e.taskId} verified: ${e.basis}`;
    case 'defect.raised':
      return `  ↺ ${e.taskId} sent back: ${e.reason}`;
    case 'task.failed':
      return `  ✗ ${e.taskId} failed: ${e.reason}`;
    case 'task.blocked':
      return `  ⊘ ${e.taskId} blocked: ${e.reason}`;
    case 'model.routed':
      return `  ◆ ${e.taskId} → ${e.model} (${e.source}): ${e.reasons[0] ?? ''}`;
    case 'model.fellBack':
      return `  ⇣ ${e.attemptId}: ${e.from} ${e.reason}, falling back to ${e.to} ($${e.costUsdBefore.toFixed(4)} spent on ${e.from})`;
    case 'model.mismatched':
      return `  ! ${e.attemptId}: asked for ${e.requested}, the CLI used ${e.used}`;
    case 'task.setup.finished': {
      const what = e.command === undefined ? `${e.included} .worktreeinclude path(s) copied` : `\`${e.command}\` ${e.outcome}`;
      return `  ⚙ ${e.taskId} worktree setup: ${what} in ${(e.durationMs / 1000).toFixed(1)} s${e.outcome === 'failed' ? ` (${e.detail?.split('\n')[0] ?? ''})` : ''}`;
    }
    case 'review.finished':
      return `  ⚖ ${e.taskId} reviewed by ${e.reviewer}: ${e.verdict}${e.findings.length === 0 ? '' : ` (${e.findings.length} finding(s))`}`;
    case 'defect.opened':
      return `  ✚ ${e.defectId} ${e.severity} ${e.source}/${e.category} on ${e.taskId}, owner ${e.owner.agent} on ${e.owner.model}`;
    case 'defect.escalated':
      return `  ⇡ ${e.defectId} escalated: ${e.reason}`;
    case 'warning.raised':
      return `  ! ${e.message}`;
    case 'run.paused':
      return `run paused: ${e.message}`;
    default:
      return undefined;
  }
}
