// The defect lifecycle as a pure fold: the defect events set what a defect is and who owns it;
// the task's own events move it through its states. A defect is `fixing` once an attempt works
// on it, `verified` once the stage that found it passes (checks, the review, the merge),
// `wont-fix` when its task is given up, `closed` when Orch has kept its lesson.

import type { DefectRecord, DefectState, ReviewRecord } from './events-defects';
import type { OrchEvent } from './events';
import type { RunSnapshot } from './run-snapshot';

const ACTIVE: readonly DefectState[] = ['open', 'fixing'];

export function foldDefects(s: RunSnapshot, e: OrchEvent): RunSnapshot {
  switch (e.type) {
    case 'defect.opened': {
      const record: DefectRecord = {
        id: e.defectId,
        taskId: e.taskId,
        source: e.source,
        severity: e.severity,
        category: e.category,
        owner: e.owner,
        state: 'open',
        summary: e.summary,
        ...(e.findings === undefined ? {} : { findings: e.findings }),
        detectedIn: e.attemptId,
        ...(s.attempts[e.attemptId]?.finishedAt === undefined ? {} : { workEndedAt: s.attempts[e.attemptId]?.finishedAt }),
        detectedAt: e.at,
        attempts: [],
        recurrences: 0,
        escalations: [],
      };
      return { ...s, defects: { ...s.defects, [e.defectId]: record } };
    }
    case 'defect.recurred':
      return update(s, e.defectId, (d) => ({ ...d, state: 'open', recurrences: d.recurrences + 1, summary: e.summary }));
    case 'defect.escalated':
      return update(s, e.defectId, (d) => ({ ...d, owner: e.to, escalations: [...d.escalations, { from: e.from, to: e.to, reason: e.reason, at: e.at }] }));
    case 'defect.reassigned':
      return update(s, e.defectId, (d) => ({ ...d, owner: e.to, reassigned: { by: e.by, at: e.at } }));
    case 'defect.closed':
      return update(s, e.defectId, (d) => ({ ...d, state: 'closed', closedAt: e.at, ...(e.lesson === undefined ? {} : { lesson: e.lesson }) }));
    case 'review.finished': {
      const review: ReviewRecord = { attemptId: e.attemptId, reviewAttemptId: e.reviewAttemptId, reviewer: e.reviewer, model: e.model, verdict: e.verdict, findings: e.findings, reasoning: e.reasoning, at: e.at };
      const task = s.tasks[e.taskId];
      const withReview = task === undefined ? s : { ...s, tasks: { ...s.tasks, [e.taskId]: { ...task, reviews: [...(task.reviews ?? []), review] } } };
      // Reaching a review means the checks passed; an approval also settles what reviews found.
      return forTask(withReview, e.taskId, (d) => (d.source === 'check' || (e.verdict === 'approve' && d.source === 'review') ? resolved(d, e.at) : d));
    }
    case 'attempt.started':
      return forTask(s, e.taskId, (d) => (d.state === 'open' ? { ...d, state: 'fixing', attempts: [...d.attempts, e.attemptId] } : d));
    case 'task.merged':
      return forTask(s, e.taskId, (d) => (d.source === 'merge-conflict' ? resolved(d, e.at) : d));
    case 'task.verified':
      return forTask(s, e.taskId, (d) => resolved(d, e.at));
    case 'task.blocked':
    case 'task.failed':
      return forTask(s, e.taskId, (d) => ({ ...d, state: 'wont-fix', reason: `the task was ${e.type === 'task.failed' ? 'failed' : 'blocked'}: ${e.reason}` }));
    case 'task.cancelled':
      return forTask(s, e.taskId, (d) => ({ ...d, state: 'wont-fix', reason: 'the task was cancelled' }));
    case 'task.requeued':
      return forTask(s, e.taskId, (d) => (d.state === 'wont-fix' ? { ...withoutReason(d), state: 'open' } : d), ['wont-fix']);
    default:
      return s;
  }
}

function resolved(d: DefectRecord, at: string): DefectRecord {
  return { ...d, state: 'verified', resolvedAt: at };
}

function withoutReason(d: DefectRecord): DefectRecord {
  const { reason: _reason, ...rest } = d;
  return rest;
}

function update(s: RunSnapshot, id: string, change: (d: DefectRecord) => DefectRecord): RunSnapshot {
  const defect = s.defects?.[id];
  if (defect === undefined) return { ...s, warnings: [...s.warnings, `event for unknown defect ${id}`] };
  return { ...s, defects: { ...s.defects, [id]: change(defect) } };
}

/** Changes the task's defects that are in one of `states` (by default, those still being worked on). */
function forTask(s: RunSnapshot, taskId: string, change: (d: DefectRecord) => DefectRecord, states: readonly DefectState[] = ACTIVE): RunSnapshot {
  if (s.defects === undefined) return s;
  let changed = false;
  const next: Record<string, DefectRecord> = {};
  for (const [id, d] of Object.entries(s.defects)) {
    const after = d.taskId === taskId && states.includes(d.state) ? change(d) : d;
    changed ||= after !== d;
    next[id] = after;
  }
  return changed ? { ...s, defects: next } : s;
}
