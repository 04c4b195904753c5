// The facts a brief gathers from the run: what dependencies merged and said, the worktree's
// setup, and the checks the previous attempt was judged by. All read from the event log and its
// fold, so a resumed run writes the same brief.

import type { Activity, CheckResult, DefectRaised } from '../../protocol/events';
import { qualifiedTaskId } from '../../protocol/ids';
import type { AttemptSnapshot } from '../../protocol/run-snapshot';
import type { EngineContext } from './engine-context';
import type { DependencyFacts, ReworkFacts } from './task-prompt';

/** The check names verify-attempt gives a merge that stopped on conflicts. */
const MERGE_CHECKS = ['merge into the integration branch', 'merge conflicts resolved'];

export function dependencyFacts(ctx: EngineContext, prdId: string, depends: readonly string[]): DependencyFacts[] {
  const state = ctx.state();
  return depends.map((id) => {
    const qualified = qualifiedTaskId(prdId, id);
    const task = state.tasks[qualified];
    const merged = ctx.log.events.filter((e) => e.type === 'task.merged' && e.taskId === qualified).at(-1);
    const files = merged?.type === 'task.merged' ? merged.files : [];
    const verified = task?.state === 'verified' ? lastSucceeded(task.attempts.map((a) => state.attempts[a])) : undefined;
    const summary = verified === undefined ? undefined : lastText(verified.activity);
    return { id, title: task?.title ?? id, files, ...(summary === undefined ? {} : { summary }) };
  });
}

function lastSucceeded(attempts: readonly (AttemptSnapshot | undefined)[]): AttemptSnapshot | undefined {
  return attempts.filter((a): a is AttemptSnapshot => a?.state === 'succeeded').at(-1);
}

function lastText(activity: readonly Activity[]): string | undefined {
  const text = activity.filter((a) => a.kind === 'text').at(-1);
  return text?.kind === 'text' ? text.text : undefined;
}

/**
 * Only the verification of the previous attempt counts: when that attempt failed before it was
 * checked, the checks of an earlier round are history, not the current failures.
 */
export function reworkFacts(ctx: EngineContext, taskId: string, previous: AttemptSnapshot, error: string | undefined): ReworkFacts {
  const defect = ctx.log.events.filter((e): e is DefectRaised => e.type === 'defect.raised' && e.taskId === taskId).at(-1);
  const judged = defect?.attemptId === previous.id ? defect : undefined;
  const failed: CheckResult[] = judged === undefined ? [] : judged.checks.filter((c) => !c.passed);
  const conflict = failed.find((c) => MERGE_CHECKS.includes(c.check));
  const reason = judged?.reason ?? error ?? (previous.state === 'failed' ? `the attempt failed: ${previous.message ?? previous.failure ?? 'unknown'}` : 'the previous attempt failed');
  return {
    reason,
    failed,
    evidenceDir: ctx.paths.evidenceDir(ctx.runId),
    ...(conflict === undefined ? {} : { mergeConflicts: conflictFiles(conflict.detail) }),
  };
}

function conflictFiles(detail: string): string[] {
  const list = /(?:conflicts in|conflict markers remain in): ([^\n]*)/.exec(detail)?.[1] ?? '';
  return list
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '' && f !== '(unknown)');
}
