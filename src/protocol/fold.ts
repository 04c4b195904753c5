// The one pure projector `(state, event) => state`. The core uses it to decide what to do
// next on resume, the CLI prints it, the tree view and the dashboard render it. It never
// throws on an event it cannot place: a view must survive a log it does not fully understand.

import type { Roadmap } from './domain';
import type { OrchEvent } from './events';
import { foldAlerts } from './fold-alerts';
import { foldDefects } from './fold-defects';
import { qualifiedTaskId } from './ids';
import { foldMessage } from './fold-messages';
import { foldConsult } from './fold-consult';
import { foldForecast } from './fold-forecast';
import { foldWorker } from './fold-workers';
import { foldAdapt } from './fold-adapt';
import type { AttemptSnapshot, RunSnapshot, TaskSnapshot } from './run-snapshot';

function emptyRun(runId: string, at: string): RunSnapshot {
  return {
    runId,
    state: 'running',
    roadmapFile: '',
    milestones: [],
    costUsd: 0,
    tasks: {},
    taskOrder: [],
    attempts: {},
    warnings: [],
    lastSeq: 0,
    startedAt: at,
    updatedAt: at,
  };
}

export function foldEvents(events: readonly OrchEvent[]): RunSnapshot | undefined {
  let state: RunSnapshot | undefined;
  for (const event of events) state = foldEvent(state, event);
  return state;
}

export function foldEvent(previous: RunSnapshot | undefined, event: OrchEvent): RunSnapshot {
  const base = previous ?? emptyRun(event.runId, event.at);
  // Replays and reconnects may deliver an event twice; the sequence number makes folding idempotent.
  if (event.seq <= base.lastSeq) return base;
  const state = foldDefects(foldAlerts(apply(base, event), event), event);
  return { ...state, lastSeq: event.seq, updatedAt: event.at };
}

function apply(s: RunSnapshot, e: OrchEvent): RunSnapshot {
  switch (e.type) {
    case 'run.started':
      return { ...s, state: 'running', roadmapFile: e.roadmapFile, milestones: e.milestones, budgetUsd: e.budgetUsd, startedAt: e.at };
    case 'plan.loaded':
      return withPlan(s, e.roadmap);
    case 'task.assigned':
      return updateTask(s, e.taskId, (t) => ({ ...t, agent: e.agent, model: e.model, phase: e.phase }));
    case 'attempt.started': {
      const attempt: AttemptSnapshot = {
        id: e.attemptId,
        taskId: e.taskId,
        agent: e.agent,
        model: e.model,
        prompt: e.prompt,
        resumeOf: e.resumeOf,
        ...(e.promptTokens === undefined ? {} : { promptTokens: e.promptTokens }),
        state: 'running',
        costUsd: 0,
        inputTokens: 0,
        outputTokens: 0,
        startedAt: e.at,
        activity: [],
      };
      const next = { ...s, attempts: { ...s.attempts, [e.attemptId]: attempt } };
      // Planning attempts (`plan/1.1#1`) belong to a milestone, not to a task.
      if (s.tasks[e.taskId] === undefined && isPlanning(e.taskId)) return next;
      return updateTask(next, e.taskId, (t) => ({
        ...t,
        state: 'running',
        agent: e.agent,
        model: e.model,
        error: undefined,
        environmentBlocked: undefined,
        attempts: t.attempts.includes(e.attemptId) ? t.attempts : [...t.attempts, e.attemptId],
      }));
    }
    case 'attempt.activity':
      return updateAttempt(s, e.attemptId, (a) => ({ ...a, activity: [...a.activity, e.activity] }));
    case 'attempt.finished': {
      const attempt = s.attempts[e.attemptId];
      let next = updateAttempt(s, e.attemptId, (a) => ({
        ...a,
        state: e.outcome,
        failure: e.failure,
        message: e.message,
        sessionId: e.sessionId ?? a.sessionId,
        modelUsed: e.modelUsed,
        modelOfRecord: e.modelOfRecord,
        costUsd: e.costUsd,
        costSource: e.costSource,
        inputTokens: e.inputTokens,
        outputTokens: e.outputTokens,
        finishedAt: e.at,
      }));
      if (attempt === undefined) return next;
      if (attempt.costByModel !== undefined) {
        const split = Object.values(attempt.costByModel).reduce((a, b) => a + b, 0);
        const last = attempt.fellBackTo ?? attempt.model;
        const rest = Math.max(0, e.costUsd - split);
        next = updateAttempt(next, e.attemptId, (a) => ({ ...a, costByModel: { ...a.costByModel, [last]: (a.costByModel?.[last] ?? 0) + rest } }));
      }
      const withCost = { ...next, costUsd: next.costUsd + e.costUsd };
      if (isPlanning(attempt.taskId)) return withCost;
      return updateTask(withCost, attempt.taskId, (t) => ({
        ...t,
        costUsd: t.costUsd + e.costUsd,
        error: e.outcome === 'failed' ? (e.message ?? e.failure) : t.error,
        // Orch died under it, the task did not fail it: the attempt limit leaves it out.
        attemptBase: e.interrupted === true ? t.attemptBase + 1 : t.attemptBase,
      }));
    }
    case 'model.mismatched':
      return { ...s, warnings: [...s.warnings, `${e.attemptId}: asked for model ${e.requested}, got ${e.used}`] };
    case 'model.routed': {
      const { taskId, model, source, complexity, reasons, alternatives } = e;
      return updateTask(s, taskId, (t) => ({ ...t, model, routing: { model, source, complexity, reasons, alternatives } }));
    }
    case 'model.fellBack':
      return updateAttempt(s, e.attemptId, (a) => {
        const from = a.fellBackTo ?? a.model;
        const split = Object.values(a.costByModel ?? {}).reduce((x, y) => x + y, 0);
        return { ...a, fellBackTo: e.to, fallbacks: [...(a.fallbacks ?? []), { from: e.from, to: e.to, reason: e.reason, at: e.at }], costByModel: { ...a.costByModel, [from]: (a.costByModel?.[from] ?? 0) + Math.max(0, e.costUsdBefore - split) } };
      });
    case 'task.deferred':
      // Money ran out, not the task's chances: its attempt limit counts afresh from here.
      return updateTask(s, e.taskId, (t) => ({ ...t, state: 'pending', error: e.reason, attemptBase: t.attempts.length }));
    case 'task.verifying':
      return updateTask(s, e.taskId, (t) => ({ ...t, state: 'verifying', environmentBlocked: undefined }));
    case 'task.verified':
      return updateTask(s, e.taskId, (t) => ({ ...settled(t), state: 'verified', checks: e.checks, error: undefined, verifiedAt: e.at }));
    case 'task.failed':
      return updateTask(s, e.taskId, (t) => ({ ...settled(t), state: 'failed', checks: e.checks, error: e.reason }));
    case 'defect.raised':
      return updateTask(s, e.taskId, (t) => ({ ...t, state: 'pending', checks: e.checks, error: e.reason, defects: t.defects + 1, lastDefect: e.reason }));
    case 'task.merged':
      return updateTask(s, e.taskId, (t) => ({ ...t, changes: { files: e.files, lines: e.lines } }));
    case 'milestone.planned':
      return s;
    case 'task.blocked':
      // A requeue keeps `environmentBlocked`: the finished attempt still waits for its checks.
      return updateTask(s, e.taskId, (t) => ({
        ...t,
        state: 'blocked',
        error: e.reason,
        checks: e.checks ?? t.checks,
        environmentBlocked: e.environment === true ? true : t.environmentBlocked,
      }));
    case 'task.requeued':
      return updateTask(s, e.taskId, (t) => ({ ...t, state: 'pending', error: undefined, attemptBase: t.attempts.length }));
    case 'task.setup.finished': {
      const { command, outcome, durationMs, evidencePath, included, detail, ahead } = e;
      return updateTask(s, e.taskId, (t) => ({ ...t, setup: { command, outcome, durationMs, evidencePath, included, detail, at: e.at, ...(ahead === true ? { ahead } : {}) } }));
    }
    case 'task.cancelled':
      return updateTask(s, e.taskId, (t) => ({ ...settled(t), state: 'cancelled' }));
    case 'run.paused':
      return { ...s, state: 'paused', pausedReason: e.message };
    case 'run.resumed':
      return { ...s, state: 'running', pausedReason: undefined, budgetUsd: e.budgetUsd ?? s.budgetUsd };
    case 'run.finished':
      return { ...s, state: e.state, finishedAt: e.at };
    case 'warning.raised':
      return { ...s, warnings: [...s.warnings, e.taskId === undefined ? e.message : `${e.taskId}: ${e.message}`] };
    case 'alert.delivered': case 'alert.deliveryFailed': return s;
    case 'review.finished': case 'defect.opened': case 'defect.recurred': case 'defect.escalated': case 'defect.reassigned': case 'defect.closed':
      return s;
    case 'message.sent': case 'message.delivered': case 'message.read': case 'message.returned': return foldMessage(s, e);
    case 'consult.started': case 'consult.finished': return foldConsult(s, e);
    case 'forecast.updated': return foldForecast(s, e);
    case 'worker.seen': case 'worker.lost': case 'attempt.placed': return foldWorker(s, e);
    case 'run.adapted': return foldAdapt(s, e);
  }
}

function isPlanning(taskId: string): boolean {
  return taskId.startsWith('plan/') || taskId.startsWith('review/');
}

function withPlan(s: RunSnapshot, roadmap: Roadmap): RunSnapshot {
  const selected = new Set(s.milestones);
  const tasks: Record<string, TaskSnapshot> = {};
  const taskOrder: string[] = [];
  for (const phase of roadmap.phases) {
    for (const milestone of phase.milestones) {
      if (selected.size > 0 && !selected.has(milestone.id)) continue;
      for (const prd of milestone.prds) {
        for (const task of prd.tasks) {
          const id = qualifiedTaskId(prd.id, task.id);
          const existing = s.tasks[id];
          tasks[id] = existing ?? {
            id,
            prdId: prd.id,
            milestoneId: milestone.id,
            title: task.title,
            state: 'pending',
            agent: task.agent,
            model: task.model,
            phase: task.phase,
            depends: task.depends.map((d) => qualifiedTaskId(prd.id, d)),
            attempts: [],
            costUsd: 0,
            checks: [],
            defects: 0,
            attemptBase: 0,
          };
          taskOrder.push(id);
        }
      }
    }
  }
  return { ...s, roadmap, tasks, taskOrder };
}

function updateTask(s: RunSnapshot, id: string, change: (t: TaskSnapshot) => TaskSnapshot): RunSnapshot {
  const task = s.tasks[id];
  if (task === undefined) return { ...s, warnings: [...s.warnings, `event for unknown task ${id}`] };
  return { ...s, tasks: { ...s.tasks, [id]: change(task) } };
}

/** A task that has ended waits for no answer: a question its agent left open is no longer one. */
function settled(t: TaskSnapshot): TaskSnapshot {
  const { needsInput: _closed, ...rest } = t;
  return rest;
}

function updateAttempt(s: RunSnapshot, id: string, change: (a: AttemptSnapshot) => AttemptSnapshot): RunSnapshot {
  const attempt = s.attempts[id];
  if (attempt === undefined) return { ...s, warnings: [...s.warnings, `event for unknown attempt ${id}`] };
  return { ...s, attempts: { ...s.attempts, [id]: change(attempt) } };
}
