import type { CheckResult } from '../../protocol/events';
import type { AttemptSnapshot } from '../../protocol/run-snapshot';
import type { EngineContext } from './engine-context';
import { blockOnEnvironment, unavailableChecks } from './environment-block';
import { git } from './git';
import { changedInPlace } from './in-place-changes';
import { runAttemptChecks } from './attempt-checks';
import { raiseDefect } from '../defects/raise-defect';
import { closeDefects } from '../defects/close-defects';
import { reviewAttempt } from '../review/run-review';

/**
 * `checks-failed`: the task's own work fell short; `not-the-work`: a merge conflict to resolve;
 * `environment`: the checks could not run here, so the task is blocked until the machine is fixed.
 */
export type Verdict = 'verified' | 'checks-failed' | 'not-the-work' | 'environment';

export async function verifyAttempt(ctx: EngineContext, taskId: string, cwd: string, attempt: AttemptSnapshot): Promise<Verdict> {
  const { task } = ctx.tasks.get(taskId)!;
  await ctx.log.append({ type: 'task.verifying', taskId });
  const unresolved = ctx.worktrees === undefined ? [] : await ctx.worktrees.unresolvedConflicts(taskId);
  if (unresolved.length > 0) {
    const check: CheckResult = { check: 'merge conflicts resolved', passed: false, detail: `conflict markers remain in: ${unresolved.join(', ')}` };
    await raiseDefect(ctx, { taskId, attemptId: attempt.id, source: 'merge-conflict', reason: 'merge conflict not resolved', checks: [check] });
    return 'checks-failed';
  }
  const changed = ctx.worktrees === undefined ? await changedInPlace(ctx, taskId, cwd) : await ctx.worktrees.commitTask(taskId, `${taskId}: ${task.title}`);
  const checks: CheckResult[] = await runAttemptChecks(ctx, taskId, cwd, attempt.id);
  const failed = checks.filter((c) => !c.passed);
  // Nothing the agent did can fix a missing browser or a port another server holds: no rework
  // is paid for, and once the machine is fixed a resume verifies this same attempt.
  if (failed.length > 0 && failed.every((c) => c.unavailable === true)) {
    await blockOnEnvironment(ctx, taskId, `the checks could not run here: ${unavailableChecks(checks)}`, checks);
    return 'environment';
  }
  if (failed.length > 0) {
    await raiseDefect(ctx, { taskId, attemptId: attempt.id, source: 'check', reason: `${failed.length} of ${checks.length} checks failed`, checks });
    return 'checks-failed';
  }
  let basis = `${checks.length} checks passed`;
  if (checks.length === 0) {
    const noChange = attempt.activity.some((a) => a.kind === 'evidence' && a.evidenceKind === 'no-change');
    if (changed.length === 0 && !noChange) {
      await raiseDefect(ctx, { taskId, attemptId: attempt.id, source: 'check', reason: 'the attempt changed no file and did not report that no change was needed', checks });
      return 'checks-failed';
    }
    basis = changed.length > 0 ? `no checks; the attempt changed ${changed.length} file(s)` : 'no checks; the agent reported that no change was needed';
  }
  const review = await reviewAttempt(ctx, taskId, cwd, attempt, checks);
  if (review !== 'passed') return review;
  if (ctx.worktrees !== undefined) {
    const merge = await ctx.worktrees.merge(taskId, `orch: merge ${taskId} (${task.title})`);
    if (!merge.merged) {
      const conflict: CheckResult = { check: 'merge into the integration branch', passed: false, detail: `conflicts in: ${merge.conflicts.join(', ') || '(unknown)'}\n${merge.detail}` };
      await raiseDefect(ctx, { taskId, attemptId: attempt.id, source: 'merge-conflict', reason: 'merge conflict with work already integrated', checks: [...checks, conflict] });
      // Bring the integrated work into the task branch so the rework resolves the conflict there.
      await git(cwd, ['merge', '--no-edit', ctx.worktrees.integrationBranch]);
      return 'not-the-work';
    }
    await ctx.log.append({ type: 'task.merged', taskId, branch: ctx.worktrees.taskBranch(taskId), files: changed, lines: await ctx.worktrees.changedLines(taskId) });
  }
  await ctx.log.append({ type: 'task.verified', taskId, checks, basis });
  await closeDefects(ctx, taskId);
  // Its work is merged and the verdict logged: removing the folder can wait for a free moment.
  ctx.worktrees?.cleanupInBackground(taskId);
  return 'verified';
}
