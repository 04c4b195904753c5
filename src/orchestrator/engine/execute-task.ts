import type { CheckResult } from '../../protocol/events';
import { attemptId } from '../../protocol/ids';
import type { AttemptSnapshot, TaskSnapshot } from '../../protocol/run-snapshot';
import type { EngineContext } from './engine-context';
import { reworkPrompt, taskPrompt } from './task-prompt';
import { verifyChecks } from './verify-task';
import { git } from './git';
import { NEVER_RETRIED } from '../runner/attempt-request';
import type { RunRouter } from '../router/run-router';
import { runOpenaiAttempt } from '../openai/run-openai-attempt';

/** `deferred`: the budget left cannot cover the next attempt; the task is pending again. */
export type TaskEnd = 'verified' | 'blocked' | 'failed' | 'cancelled' | 'deferred';

/** Failures that every task of the same provider would meet: credentials, the account. */
export const PROVIDER_WIDE: readonly string[] = ['not-logged-in', 'auth', 'binary-missing', 'spend-limit'];

const DEFAULT_TOOLS = ['Read', 'Write', 'Edit', 'MultiEdit', 'Glob', 'Grep', 'LS', 'Bash'];

/**
 * Takes one task from where the log says it is to a verdict: attempt, commit, verify, merge,
 * rework on a defect. Every step is an event first, so a crash at any point resumes here
 * without re-running what already happened (a finished attempt is verified, not re-run).
 */
export async function executeTask(ctx: EngineContext, taskId: string, router: RunRouter): Promise<TaskEnd> {
  const entry = ctx.tasks.get(taskId);
  const assignment = ctx.assignments.get(taskId);
  if (entry === undefined || assignment === undefined) throw new Error(`task ${taskId} is not part of run ${ctx.runId}`);
  const cwd = ctx.worktrees === undefined ? ctx.paths.root : await ctx.worktrees.forTask(taskId);

  for (;;) {
    if (ctx.signal.aborted) return cancel(ctx, taskId);
    const task = current(ctx, taskId);
    const last = lastAttempt(ctx, task);
    let attempt = last;
    if (last === undefined || last.state !== 'succeeded' || task.state === 'pending') {
      if (last?.state === 'running') await closeInterrupted(ctx, last);
      if (attemptsUsed(task) >= ctx.config.maxAttempts) return block(ctx, taskId, task);
      const model = await router.route(taskId);
      const allowance = router.admission(taskId, model);
      if (!allowance.ok) {
        if (allowance.scope === 'task') return blockWith(ctx, taskId, `budget: ${allowance.reason}`);
        await ctx.log.append({ type: 'task.deferred', taskId, reason: allowance.reason });
        return 'deferred';
      }
      try {
        attempt = await runOneAttempt(ctx, taskId, cwd, task, lastAttempt(ctx, current(ctx, taskId)), { model, capUsd: allowance.capUsd, router });
      } finally {
        router.settle(taskId);
      }
      if (attempt.state === 'failed') {
        if (attempt.failure === 'cancelled' || ctx.signal.aborted) return cancel(ctx, taskId);
        // The task's own cap is spent: more money for the run would not raise it.
        if (attempt.failure === 'budget-exceeded' && allowance.byTask === true) {
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
    const verdict = await verify(ctx, taskId, cwd, attempt);
    if (verdict === 'verified') return 'verified';
    // A stronger model only for a rework that will run and that its own checks call for: a
    // conflict or a missing browser is no sign the model was too weak, and a step up that never
    // runs would show the task on a model it never used.
    if (verdict === 'checks-failed' && !ctx.signal.aborted && attemptsUsed(current(ctx, taskId)) < ctx.config.maxAttempts) {
      await router.escalate(taskId, attempt.model);
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
    costUsd: 0,
    costSource: 'estimated',
    sessionId: init?.kind === 'init' ? init.sessionId : undefined,
    inputTokens: 0,
    outputTokens: 0,
    durationMs: 0,
  });
}

interface AttemptPlan {
  readonly model: string;
  readonly capUsd: number | undefined;
  readonly router: RunRouter;
}

async function runOneAttempt(ctx: EngineContext, taskId: string, cwd: string, task: TaskSnapshot, previous: AttemptSnapshot | undefined, plan: AttemptPlan): Promise<AttemptSnapshot> {
  const { task: spec, prd } = ctx.tasks.get(taskId)!;
  const assignment = ctx.assignments.get(taskId)!;
  const id = attemptId(taskId, task.attempts.length + 1);
  const resumeSession = resumableSession(previous);
  const rework = previous === undefined ? undefined : reworkPrompt(spec, task.error ?? 'the previous attempt failed', task.checks);
  // Without a session to resume (the last attempt died before it began one), the agent starts
  // fresh and needs its whole brief again.
  const prompt = rework === undefined ? taskPrompt(spec, prd) : resumeSession === undefined ? `${taskPrompt(spec, prd)}\n\n${rework}` : rework;
  await ctx.log.append({
    type: 'attempt.started',
    taskId,
    attemptId: id,
    agent: assignment.agent.name,
    model: plan.model,
    prompt,
    resumeOf: previous === undefined ? undefined : previous.id,
  });
  const run = assignment.agent.provider === 'openai' ? runOpenaiAttempt(plan.router.catalog, spec.output ?? 'output.md') : ctx.runAttempt;
  const outcome = await run(
    {
      attemptId: id,
      taskId,
      systemPrompt: assignment.agent.prompt,
      prompt,
      model: plan.model,
      allowedTools: assignment.agent.tools ?? DEFAULT_TOOLS,
      permissionMode: 'acceptEdits',
      cwd,
      env: { ...ctx.env, ORCH_RUN_ID: ctx.runId, ORCH_ATTEMPT_ID: id },
      claudePath: ctx.claudePath,
      artifactsDir: ctx.paths.artifactsDir(ctx.runId),
      maxBudgetUsd: plan.capUsd,
      retry: plan.router.retryPolicy(taskId, id, plan.model),
      timeoutSec: ctx.config.attemptTimeoutSec,
      inactivityTimeoutSec: ctx.config.inactivityTimeoutSec,
      resumeSessionId: resumeSession,
      signal: ctx.signal,
    },
    // A write that fails here fails again, visibly, at attempt.finished; a live event must not crash Orch.
    (event) => void ctx.log.append(event).catch(() => undefined),
  );
  await ctx.log.append({ type: 'attempt.finished', attemptId: id, ...outcome });
  return ctx.state().attempts[id]!;
}

/**
 * The Claude session a rework can continue: only one the model has answered in. A session cut
 * off before its first answer was never saved by the CLI, and `--resume` would fail on it.
 */
function resumableSession(attempt: AttemptSnapshot | undefined): string | undefined {
  if (attempt === undefined || !attempt.activity.some((a) => a.kind === 'text' || a.kind === 'tool-call')) return undefined;
  return attempt.sessionId ?? initSession(attempt);
}

function initSession(attempt: AttemptSnapshot | undefined): string | undefined {
  const init = attempt?.activity.find((a) => a.kind === 'init');
  return init?.kind === 'init' ? init.sessionId : undefined;
}

/** `checks-failed`: the task's own work fell short; `not-the-work`: a conflict or the checking tools failed. */
type Verdict = 'verified' | 'checks-failed' | 'not-the-work';

async function verify(ctx: EngineContext, taskId: string, cwd: string, attempt: AttemptSnapshot): Promise<Verdict> {
  const { task } = ctx.tasks.get(taskId)!;
  await ctx.log.append({ type: 'task.verifying', taskId });
  const unresolved = ctx.worktrees === undefined ? [] : await ctx.worktrees.unresolvedConflicts(taskId);
  if (unresolved.length > 0) {
    const check: CheckResult = { check: 'merge conflicts resolved', passed: false, detail: `conflict markers remain in: ${unresolved.join(', ')}` };
    await ctx.log.append({ type: 'defect.raised', taskId, attemptId: attempt.id, reason: 'merge conflict not resolved', checks: [check] });
    return 'checks-failed';
  }
  const changed = ctx.worktrees === undefined ? await uncommittedFiles(cwd) : await ctx.worktrees.commitTask(taskId, `${taskId}: ${task.title}`);
  const checks: CheckResult[] = await verifyChecks(task.verify, {
    cwd,
    evidenceDir: ctx.paths.evidenceDir(ctx.runId),
    evidencePrefix: attempt.id.replace(/[^A-Za-z0-9._-]+/g, '-'),
    defaultCommandTimeoutSec: Math.min(600, ctx.config.attemptTimeoutSec),
    signal: ctx.signal,
    env: { ORCH_RUN_ID: ctx.runId },
    chromiumPath: ctx.config.chromiumPath,
  });
  const failed = checks.filter((c) => !c.passed);
  if (failed.length > 0) {
    await ctx.log.append({ type: 'defect.raised', taskId, attemptId: attempt.id, reason: `${failed.length} of ${checks.length} checks failed`, checks });
    return failed.every((c) => c.unavailable === true) ? 'not-the-work' : 'checks-failed';
  }
  let basis = `${checks.length} checks passed`;
  if (checks.length === 0) {
    const noChange = attempt.activity.some((a) => a.kind === 'evidence' && a.evidenceKind === 'no-change');
    if (changed.length === 0 && !noChange) {
      await ctx.log.append({ type: 'defect.raised', taskId, attemptId: attempt.id, reason: 'the attempt changed no file and did not report that no change was needed', checks });
      return 'checks-failed';
    }
    basis = changed.length > 0 ? `no checks; the attempt changed ${changed.length} file(s)` : 'no checks; the agent reported that no change was needed';
  }
  if (ctx.worktrees !== undefined) {
    const merge = await ctx.worktrees.merge(taskId, `orch: merge ${taskId} (${task.title})`);
    if (!merge.merged) {
      const conflict: CheckResult = { check: 'merge into the integration branch', passed: false, detail: `conflicts in: ${merge.conflicts.join(', ') || '(unknown)'}\n${merge.detail}` };
      await ctx.log.append({ type: 'defect.raised', taskId, attemptId: attempt.id, reason: 'merge conflict with work already integrated', checks: [...checks, conflict] });
      // Bring the integrated work into the task branch so the rework resolves the conflict there.
      await git(cwd, ['merge', '--no-edit', ctx.worktrees.integrationBranch]);
      return 'not-the-work';
    }
    await ctx.log.append({ type: 'task.merged', taskId, branch: ctx.worktrees.taskBranch(taskId), files: changed });
  }
  await ctx.log.append({ type: 'task.verified', taskId, checks, basis });
  if (ctx.worktrees !== undefined) await ctx.worktrees.cleanupTask(taskId);
  return 'verified';
}

async function uncommittedFiles(cwd: string): Promise<readonly string[]> {
  const status = await git(cwd, ['status', '--porcelain']);
  return status.code === 0 ? status.stdout.split('\n').filter((l) => l.length > 0) : [];
}

async function block(ctx: EngineContext, taskId: string, task: TaskSnapshot): Promise<TaskEnd> {
  await ctx.log.append({ type: 'task.blocked', taskId, reason: `not verified after ${attemptsUsed(task)} attempts: ${task.error ?? 'unknown'}` });
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
