import type { AttemptSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import type { EngineContext } from './engine-context';
import { NEVER_RETRIED } from '../runner/attempt-request';
import type { RunRouter } from '../router/run-router';
import { blockOnEnvironment, EnvironmentFault } from './environment-block';
import { rememberFilesBefore } from './in-place-changes';
import { runOneAttempt } from './run-one-attempt';
import { verifyAttempt } from './verify-attempt';
import { followRework, reworkModel } from '../defects/raise-defect';
import { applyReassignments } from '../defects/apply-reassignments';
import { prepareTaskWorktree } from '../worktree/prepare-task-worktree';

/** `deferred`: the budget left cannot cover the next attempt; the task is pending again. */
export type TaskEnd = 'verified' | 'blocked' | 'failed' | 'cancelled' | 'deferred';

/** Failures that every task of the same provider would meet: credentials, the account. */
export const PROVIDER_WIDE: readonly string[] = ['not-logged-in', 'auth', 'binary-missing', 'spend-limit'];

/**
 * Takes one task from where the log says it is to a verdict: attempt, commit, verify, merge,
 * rework on a defect. Every step is an event first, so a crash at any point resumes here
 * without re-running what already happened (a finished attempt is verified, not re-run).
 * A fault of the machine (EnvironmentFault) blocks the task instead of failing the run.
 */
export async function executeTask(ctx: EngineContext, taskId: string, router: RunRouter): Promise<TaskEnd> {
  try {
    return await executeTaskSteps(ctx, taskId, router);
  } catch (error) {
    if (!(error instanceof EnvironmentFault)) throw error;
    await blockOnEnvironment(ctx, taskId, error.message);
    return 'blocked';
  }
}

async function executeTaskSteps(ctx: EngineContext, taskId: string, router: RunRouter): Promise<TaskEnd> {
  const entry = ctx.tasks.get(taskId);
  const assignment = ctx.assignments.get(taskId);
  if (entry === undefined || assignment === undefined) throw new Error(`task ${taskId} is not part of run ${ctx.runId}`);
  const cwd = await prepareTaskWorktree(ctx, taskId);
  if (cwd === undefined) return ctx.signal.aborted ? cancel(ctx, taskId) : 'blocked';

  for (;;) {
    if (ctx.signal.aborted) return cancel(ctx, taskId);
    const task = current(ctx, taskId);
    const last = lastAttempt(ctx, task);
    let attempt = last;
    // Blocked only because its checks could not run: the finished attempt is verified again.
    const recheck = task.environmentBlocked === true && last?.state === 'succeeded';
    if (last?.state !== 'succeeded' || (task.state === 'pending' && !recheck)) {
      if (last?.state === 'running') await closeInterrupted(ctx, last);
      if (attemptsUsed(current(ctx, taskId)) >= ctx.config.maxAttempts) return block(ctx, taskId);
      await applyReassignments(ctx);
      const model = reworkModel(ctx, taskId, await router.route(taskId));
      const allowance = router.admission(taskId, model);
      if (!allowance.ok) {
        if (allowance.scope === 'task') return blockWith(ctx, taskId, `budget: ${allowance.reason}`);
        await ctx.log.append({ type: 'task.deferred', taskId, reason: allowance.reason });
        return 'deferred';
      }
      if (ctx.worktrees === undefined) await rememberFilesBefore(ctx, taskId, cwd);
      try {
        attempt = await runOneAttempt(ctx, taskId, cwd, task, lastAttempt(ctx, current(ctx, taskId)), { model, capUsd: allowance.capUsd, router });
      } finally {
        router.settle(taskId);
      }
      if (attempt.state === 'failed') {
        if (attempt.failure === 'cancelled' || ctx.signal.aborted) return cancel(ctx, taskId);
        // The task's own cap is spent: more money for the run would not raise it.
        // (Unless Orch stopped it mid-turn for the run's or an agent's budget: then the money ran out.)
        if (attempt.failure === 'budget-exceeded' && allowance.byTask === true && !/^stopped mid-turn(?!.*task cap)/.test(attempt.message ?? '')) {
          return blockWith(ctx, taskId, `budget: ${attempt.id} stopped at what the task's cap left ($${(allowance.capUsd ?? 0).toFixed(4)}): ${attempt.message ?? ''}`);
        }
        // The cap was what the budget left: nothing is wrong with the task, the money ran out.
        if (attempt.failure === 'budget-exceeded') {
          await ctx.log.append({ type: 'task.deferred', taskId, reason: `${attempt.id} stopped at its budget cap: ${attempt.message ?? ''}` });
          return 'deferred';
        }
        // OpenAI credentials concern only OpenAI-routed tasks: this one is blocked, naming the
        // variable, and Claude tasks go on.
        if (assignment.agent.provider === 'openai' && PROVIDER_WIDE.includes(attempt.failure ?? 'unknown')) {
          await ctx.log.append({ type: 'task.blocked', taskId, reason: `${attempt.failure}: ${attempt.message ?? 'the OpenAI credentials were refused'}` });
          return 'blocked';
        }
        // Another attempt cannot fix missing credentials or an exhausted account: say so now.
        if (attemptsUsed(current(ctx, taskId)) >= ctx.config.maxAttempts || NEVER_RETRIED.includes(attempt.failure ?? 'unknown')) {
          await ctx.log.append({ type: 'task.failed', taskId, reason: `${attempt.failure}: ${attempt.message ?? 'attempt failed'}`, checks: [] });
          return 'failed';
        }
        continue;
      }
    }
    if (attempt === undefined) continue;
    const verdict = await verifyAttempt(ctx, taskId, cwd, attempt);
    if (verdict === 'verified') return 'verified';
    if (verdict === 'environment') return 'blocked';
    // A stronger model only for a rework that will run and that its own checks call for: a
    // merge conflict is no sign the model was too weak, and a step up that never runs would
    // show the task on a model it never used.
    if (verdict === 'checks-failed' && !ctx.signal.aborted && attemptsUsed(current(ctx, taskId)) < ctx.config.maxAttempts) {
      await router.escalate(taskId, attempt.model);
      await followRework(ctx, taskId);
    }
  }
}

function attemptsUsed(task: TaskSnapshot): number {
  return task.attempts.length - task.attemptBase;
}

function current(ctx: EngineContext, taskId: string): TaskSnapshot {
  const task = ctx.state().tasks[taskId];
  if (task === undefined) throw new Error(`task ${taskId} missing from run state`);
  return task;
}

function lastAttempt(ctx: EngineContext, task: TaskSnapshot): AttemptSnapshot | undefined {
  const id = task.attempts.at(-1);
  return id === undefined ? undefined : ctx.state().attempts[id];
}

async function closeInterrupted(ctx: EngineContext, attempt: AttemptSnapshot): Promise<void> {
  const init = attempt.activity.find((a) => a.kind === 'init');
  await ctx.log.append({
    type: 'attempt.finished',
    attemptId: attempt.id,
    outcome: 'failed',
    failure: 'crashed',
    message: 'interrupted: Orch stopped while this attempt ran',
    interrupted: true,
    costUsd: 0,
    costSource: 'estimated',
    sessionId: init?.kind === 'init' ? init.sessionId : undefined,
    inputTokens: 0,
    outputTokens: 0,
    durationMs: 0,
  });
}

async function block(ctx: EngineContext, taskId: string): Promise<TaskEnd> {
  const task = current(ctx, taskId);
  const last = lastAttempt(ctx, task);
  const why = task.error ?? task.lastDefect ?? last?.message ?? last?.failure ?? 'no attempt recorded a reason';
  await ctx.log.append({ type: 'task.blocked', taskId, reason: `not verified after ${attemptsUsed(task)} attempts: ${why}` });
  return 'blocked';
}

async function blockWith(ctx: EngineContext, taskId: string, reason: string): Promise<TaskEnd> {
  await ctx.log.append({ type: 'task.blocked', taskId, reason });
  return 'blocked';
}

async function cancel(ctx: EngineContext, taskId: string): Promise<TaskEnd> {
  await ctx.log.append({ type: 'task.cancelled', taskId });
  return 'cancelled';
}
